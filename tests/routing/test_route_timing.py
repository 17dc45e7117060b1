from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from mobility.model.column import build_column
from mobility.model.halt_site import HaltSite
from mobility.model.vehicle import VehicleCatalogue
from mobility.routing._mode_data import ModeData
from mobility.routing._route_timing import (
    TRAIN_LENGTH_M,
    column_footprint,
    column_pass_times,
    road_halting,
    route_refs,
    structures_crossed,
    train_pass_times,
    with_reversals,
)
from mobility.routing.column_timing import Checkpoint, ColumnSchedule, RoutePoints
from mobility.routing.edges import EdgeTable
from mobility.routing.halt_sites import RouteSite
from mobility.routing.resolve import PlaceIndex
from mobility.routing.timing import HaltRules, road_types
from mobility.routing.turns import TurnArcs
from tests.routing.conftest import make_graph

START = datetime(2026, 11, 24, 6, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))


def _table() -> EdgeTable:
    return EdgeTable.from_graph(
        make_graph(
            [
                (1, 2, {"highway": "motorway", "ref": "A4"}),
                (2, 3, {"highway": "motorway", "ref": "A4"}),
                (3, 4, {"highway": "primary", "ref": "N11", "maxspeed_kph": 50}),
                (4, 5, {"highway": "motorway", "ref": "A4"}),
            ],
            two_way=False,
        )
    )


def test_pass_times_are_the_column_model_s_on_every_road_type(catalogue: VehicleCatalogue) -> None:
    table = _table()
    column = build_column("B", {"man-hx2-6x6": 40}, catalogue)
    speeds = np.array([60.0, 50.0, 24.0, 60.0])
    found = column_pass_times(table, column, speeds)
    kinds = ["expressway", "expressway", "built_up", "expressway"]
    for edge, kind in enumerate(kinds):
        assert found[edge] == pytest.approx(column.pass_time_s(kind, speeds[edge]))  # type: ignore[arg-type]
    assert train_pass_times(np.array([72.0]))[0] == pytest.approx(TRAIN_LENGTH_M / 20.0)


def test_pass_times_follow_road_types_on_every_kind_of_edge(catalogue: VehicleCatalogue) -> None:
    """Rural, expressway and built-up edges (built-up wins) as :func:`road_types` says (#13)."""
    table = EdgeTable.from_graph(
        make_graph(
            [
                (1, 2, {"highway": "motorway"}),
                (2, 3, {"highway": "secondary", "maxspeed_kph": 80}),
                (3, 4, {"highway": "primary", "maxspeed_kph": 50}),
                (4, 5, {"highway": "trunk", "maxspeed_kph": 50}),
            ],
            two_way=False,
        )
    )
    column = build_column("B", {"man-hx2-6x6": 25}, catalogue)
    speeds = np.array([60.0, 50.0, 24.0, 30.0])
    kinds = road_types(table).tolist()
    assert set(kinds) == {"expressway", "rural", "built_up"}
    found = column_pass_times(table, column, speeds)
    expected = [column.pass_time_s(kind, speeds[e]) for e, kind in enumerate(kinds)]
    assert found.tolist() == pytest.approx(expected)


def test_halting_of_a_road_column_has_its_footprint_and_the_sites_in_reach(
    catalogue: VehicleCatalogue,
) -> None:
    table = _table()
    column = build_column("B", {"man-hx2-6x6": 12}, catalogue)
    near = HaltSite("near", "Near", "truck_parking", 4.03, 52.001, 40)
    far = HaltSite("far", "Far", "truck_parking", 4.03, 52.5, 40)
    halting = road_halting(table, [0, 1, 2], column, sites=[near, far], rules=HaltRules())
    assert [(s.site.id, s.position) for s in halting.sites] == [("near", 2)]
    assert halting.footprint == column_footprint(column)
    assert halting.footprint.vehicles == 12 and halting.footprint.area_m2 > 0


def test_known_sites_in_reach_are_kept_per_path(catalogue: VehicleCatalogue) -> None:
    """#15: a router snaps the sites to a path once; other columns on it reuse them."""
    table = _table()
    near = HaltSite("near", "Near", "truck_parking", 4.03, 52.001, 40)
    known: dict[tuple[int, ...], tuple[RouteSite, ...]] = {}
    small = build_column("S", {"man-hx2-6x6": 12}, catalogue)
    first = road_halting(table, [0, 1, 2], small, sites=[near], rules=HaltRules(), known=known)
    assert list(known) == [(0, 1, 2)] and known[(0, 1, 2)] == tuple(first.sites)
    big = build_column("B", {"man-hx2-6x6": 20}, catalogue)
    # Kept per path: the sites passed the second time are not snapped again.
    again = road_halting(table, (0, 1, 2), big, sites=[], rules=HaltRules(), known=known)
    assert again.sites is first.sites and again.footprint.vehicles == 20
    other = road_halting(table, [0, 1], big, sites=[near], rules=HaltRules(), known=known)
    assert set(known) == {(0, 1, 2), (0, 1)} and other.sites == ()


def test_refs_collapse_runs_and_structures_are_listed_once() -> None:
    table = _table()
    assert route_refs(table, (0, 1, 2, 3)) == ("A4", "N11", "A4")

    def point(name: str, kind: str, detail: str = "") -> Checkpoint:
        return Checkpoint(name, kind, 1, 0.0, START, START, detail=detail)

    schedule = ColumnSchedule(
        START,
        START,
        START,
        0.0,
        (
            point("A", "origin"),
            point("Brug", "bridge", "MLC 60"),
            point("Tunnel", "tunnel"),
            point("Brug", "bridge", "MLC 60"),
            point("B", "destination"),
        ),
        (),
    )
    assert structures_crossed(schedule) == ("Brug (MLC 60)", "Tunnel")


def test_a_reversal_adds_its_time_to_the_edge_after_it() -> None:
    table = _table()
    points = RoutePoints({2: "Keerpunt"}, {})
    plain = ModeData("rail", table, points, PlaceIndex([], "rail"))
    weights = np.full(table.n_edges, 60.0)
    notes: list[str] = []
    assert with_reversals(plain, (0, 1, 2), weights, notes, "MSR") is weights  # no turn rules
    # Arcs 0 -> 1 (straight, free) and 1 -> 2 (a reversal at node index 2, 20 minutes).
    arcs = TurnArcs(
        from_edge=np.array([0, 1]),
        to_edge=np.array([1, 2]),
        cost_s=np.array([0.0, 1200.0]),
        reversal=np.array([False, True]),
    )
    ruled = ModeData("rail", table, points, PlaceIndex([], "rail"), arcs)
    assert ruled.reversal_arcs == {(1, 2): 1200.0}
    travel = with_reversals(ruled, (0, 1, 2), weights, notes, "MSR")
    assert travel.tolist() == [60.0, 60.0, 1260.0, 60.0] and weights[2] == 60.0
    assert notes == ["MSR reverses at Keerpunt (+20 min)"]
