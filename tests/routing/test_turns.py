from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import numpy as np
import osmium
import pytest

from mobility.model.corridor import load_corridors
from mobility.network._osm_data import OsmWays
from mobility.network._read_pbf import read_osm_pbf
from mobility.network._read_xml import read_osm_xml
from mobility.network.build import BuildOptions, build_graphs
from mobility.network.load import Network, load_network
from mobility.network.places import NetworkPlace, _split_edge
from mobility.network.report import LoadReport
from mobility.network.restrictions import EDGE_ATTRIBUTE
from mobility.routing.edges import EdgeTable
from mobility.routing.engine import PathEngine
from mobility.routing.router import NoRouteError, Router
from mobility.routing.turn_engine import TurnPathEngine
from mobility.routing.turns import (
    RAIL_TURNS,
    ROAD_TURNS,
    TurnRules,
    edge_bearings,
    turn_angles_deg,
    turn_arcs,
)
from tests.routing.conftest import make_graph

DATA = Path(__file__).parent.parent / "data"
TURNS = DATA / "turns.osm"
#: No turn limit at all: U-turns allowed, restrictions still read.
U_TURNS_ALLOWED = TurnRules(max_deflection_deg=180.0)


def _pbf(tmp_path: Path) -> Path:
    target = tmp_path / "turns.osm.pbf"
    with osmium.SimpleWriter(str(target)) as writer:
        for obj in osmium.FileProcessor(str(TURNS)):
            writer.add(obj)
    return target


class Roads:
    """The road graph of the turns fixture with a turn-aware engine."""

    def __init__(self, ways: OsmWays, rules: TurnRules) -> None:
        self.report = LoadReport("turns.osm", "osm-xml")
        options = BuildOptions(clip=False, consolidate_tolerance_m=0, fragments="keep")
        graphs = build_graphs(ways, clip_polygon=None, options=options, report=self.report)
        self.table = EdgeTable.from_graph(graphs["road"])
        table = self.table
        self.engine = TurnPathEngine(
            table.n_nodes,
            table.u,
            table.v,
            np.arange(table.n_edges),
            table.length_m,
            turn_arcs(table, rules),
        )

    def route(self, a: int, b: int) -> list[int] | None:
        """OSM node ids of the shortest route from ``a`` to ``b``."""
        table = self.table
        edges = self.engine.shortest_path(table.index(a), table.index(b))
        if edges is None:
            return None
        return [int(table.nodes[table.u[edges[0]]])] + [int(table.nodes[table.v[e]]) for e in edges]


Reader = Callable[[Path], OsmWays]


@pytest.fixture(params=["xml", "pbf"])
def read(request: pytest.FixtureRequest, tmp_path: Path) -> Callable[[], OsmWays]:
    if request.param == "xml":
        return lambda: read_osm_xml(TURNS)
    return lambda: read_osm_pbf(_pbf(tmp_path))


def _turns(path: list[int] | None) -> set[tuple[int, int, int]]:
    assert path is not None
    return set(zip(path, path[1:], path[2:], strict=False))


# Junction A (node 100): arms W 101, E 102, S 103, N 104 (mid nodes).
@pytest.mark.parametrize(
    ("origin", "target", "forbidden", "restriction"),
    [
        (101, 104, (101, 100, 104), "no_left_turn"),
        (102, 104, (102, 100, 104), "no_right_turn"),
        (103, 104, (103, 100, 104), "no_straight_on"),
        (102, 103, (102, 100, 103), "no_left_turn except psv;bicycle"),
        (103, 101, (103, 100, 101), "restriction:hgv=no_left_turn"),
        # Junction B (node 200): only_right_turn from W, only_left_turn from E,
        # only_straight_on from N, all into the S arm.
        (201, 204, (201, 200, 204), "only_right_turn"),
        (201, 202, (201, 200, 202), "only_right_turn"),
        (202, 204, (202, 200, 204), "only_left_turn"),
        (202, 201, (202, 200, 201), "only_left_turn"),
        (204, 201, (204, 200, 201), "only_straight_on"),
        (204, 202, (204, 200, 202), "only_straight_on"),
    ],
)
def test_restriction_forbids_the_turn(
    read: Callable[[], OsmWays],
    origin: int,
    target: int,
    forbidden: tuple[int, int, int],
    restriction: str,
) -> None:
    ways = read()
    free = Roads(ways, TurnRules(max_deflection_deg=150.0, apply_restrictions=False))
    bound = Roads(ways, ROAD_TURNS)
    direct = free.route(origin, target)
    assert direct == list(forbidden), "without restrictions the turn is the shortest way"
    detour = bound.route(origin, target)
    assert forbidden not in _turns(detour), restriction
    assert detour is not None and len(detour) > len(direct)


@pytest.mark.parametrize(
    ("origin", "target", "why"),
    [
        (101, 103, "no_right_turn except=hgv does not bind columns"),
        (103, 102, "restriction:motorcar alone does not bind columns"),
        (104, 101, "restriction:conditional is not applied"),
        (201, 203, "only_right_turn allows the right turn"),
        (202, 203, "only_left_turn allows the left turn"),
        (204, 203, "only_straight_on allows straight on"),
        (101, 102, "turns without a restriction stay allowed"),
    ],
)
def test_allowed_turns_stay_direct(
    read: Callable[[], OsmWays], origin: int, target: int, why: str
) -> None:
    roads = Roads(read(), ROAD_TURNS)
    junction = 100 if origin < 200 else 200
    assert roads.route(origin, target) == [origin, junction, target], why


def test_dual_carriageway_u_turn(read: Callable[[], OsmWays]) -> None:
    ways = read()
    # From the northbound carriageway (301) to the southbound one (305) opposite:
    # shortest by a U-turn at 303 where the carriageways join.
    u_turn = [301, 302, 303, 304, 305]
    assert Roads(ways, TurnRules(180.0, apply_restrictions=False)).route(301, 305) == u_turn
    # The no_u_turn relation alone forbids it where U-turns are otherwise allowed
    # (the route then turns on the two-way road beyond) ...
    assert Roads(ways, U_TURNS_ALLOWED).route(301, 305) == [301, 302, 303, 306, 303, 304, 305]
    turn_round = [301, 302, 303, 306, 306, 303, 304, 305]
    # ... and columns never make U-turns: they go round the loop block 306-309.
    assert Roads(ways, TurnRules(150.0, apply_restrictions=False)).route(301, 305) == turn_round
    assert Roads(ways, ROAD_TURNS).route(301, 305) == turn_round


def test_u_turn_allowed_where_the_rules_say(read: Callable[[], OsmWays]) -> None:
    roads = Roads(read(), ROAD_TURNS)
    table = roads.table
    arcs = turn_arcs(table, TurnRules(150.0, apply_restrictions=False), [table.index(303)])
    engine = TurnPathEngine(
        table.n_nodes, table.u, table.v, np.arange(table.n_edges), table.length_m, arcs
    )
    edges = engine.shortest_path(table.index(301), table.index(305))
    assert edges is not None and [int(table.nodes[table.v[e]]) for e in edges] == [
        302,
        303,
        304,
        305,
    ]


def test_load_report_counts_restrictions(read: Callable[[], OsmWays]) -> None:
    ways = read()
    by_id = {r.relation_id: r for r in ways.restrictions}
    assert sorted(by_id) == [1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 13, 21]
    assert by_id[7].restriction == "no_left_turn" and by_id[7].status == "binding"
    assert by_id[9].status == "via_way"
    report = Roads(ways, ROAD_TURNS).report
    assert report.turn_restrictions == {
        "read": 13,
        "binding": 9,
        "not_binding": 2,
        "conditional": 1,
        "via_way": 1,
        "on_graph": 9,
    }
    assert any("turn restrictions: 13 read, 9 bind columns" in line for line in report.lines())


def _sharp_nodes(table: EdgeTable, edges: list[int], limit_deg: float) -> list[int]:
    """OSM ids of the nodes where a path turns more sharply than ``limit_deg``."""
    if len(edges) < 2:
        return []
    starts, ends = edge_bearings(table, RAIL_TURNS.bearing_lookahead_m)
    path = np.array(edges)
    turn = turn_angles_deg(ends, starts, path[:-1], path[1:])
    return [int(table.nodes[table.v[path[i]]]) for i in np.flatnonzero(np.abs(turn) > limit_deg)]


@pytest.mark.realdata
def test_rail_routes_on_the_2014_railways_follow_the_track(
    shared_osm: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    network = load_network(shared_osm / "nl-railways-2014")
    router = Router(network)
    table = router.table("rail")
    allowed = router.reversal_nodes("rail")
    shortest = PathEngine(table.n_nodes, table.u, table.v, np.arange(table.n_edges), table.length_m)
    terminals = [
        p for p in network.places if p.mode == "rail" and p.kind == "rail_terminal" and p.node
    ]
    lines, reversing_before, routed, skipped = [], 0, 0, []
    for a, b in itertools.combinations(terminals, 2):
        base = shortest.shortest_path(table.index(a.node), table.index(b.node))
        if base is None:  # a gap in the 2014 line file (e.g. near Assen)
            skipped.append(f"{a.place_id} - {b.place_id}")
            continue
        base_m = float(table.length_m[base].sum())
        forbidden = [n for n in _sharp_nodes(table, base, 60.0) if n not in allowed]
        reversing_before += bool(_sharp_nodes(table, base, 60.0))
        try:
            plan = router.route(a.place_id, b.place_id, "leopard-2a7", mode="rail", k=1)
        except NoRouteError as error:
            # Only where the track itself makes the train reverse outside a terminal.
            assert forbidden, f"{a.place_id} - {b.place_id}: {error}"
            assert "turn rules forbid" in str(error)
            lines.append(f"{a.place_id} - {b.place_id}: needs a reversal at {forbidden}")
            continue
        route = plan.routes[0]
        edges = [table.key_index[key] for key in route.edges]
        assert [n for n in _sharp_nodes(table, edges, 60.0) if n not in allowed] == []
        assert route.length_m >= base_m * (1 - 1e-9)
        if not forbidden:
            assert route.length_m <= 1.02 * base_m
        routed += 1
        lines.append(
            f"{a.place_id} - {b.place_id}: {route.length_m / 1000:.1f} km, shortest track "
            f"{base_m / 1000:.1f} km (ratio {route.length_m / base_m:.3f})"
        )
    with capsys.disabled():
        print("\n" + "\n".join(lines))
        print(f"shortest track paths that reverse: {reversing_before}; routed {routed}")
        print(f"not connected in the 2014 file: {', '.join(skipped) or 'none'}")
    assert reversing_before > 0 and routed >= 10
    # With the junction stations of the default corridors (Almelo for the
    # Vriezenveen ramp), every pair of terminals routes.
    assert [line for line in lines if "needs a reversal" in line] == []


def test_restrictions_survive_a_place_splitting_the_from_edge() -> None:
    roads = Roads(read_osm_xml(TURNS), ROAD_TURNS)
    graph = roads.table.graph
    # A place between 101 and 100 splits the W arm's edges both ways (new node -1).
    (key,) = graph.get_edge_data(101, 100)
    _split_edge(graph, 101, 100, key, [0.5], -1)
    assert EDGE_ATTRIBUTE not in graph.edges[101, -1, 0]
    assert graph.edges[-1, 100, 0][EDGE_ATTRIBUTE]  # the piece ending at the via node keeps it
    table = EdgeTable.from_graph(graph)
    engine = TurnPathEngine(
        table.n_nodes,
        table.u,
        table.v,
        np.arange(table.n_edges),
        table.length_m,
        turn_arcs(table, ROAD_TURNS),
    )
    edges = engine.shortest_path(table.index(-1), table.index(104))
    assert edges is not None
    nodes = [int(table.nodes[table.v[e]]) for e in edges]
    assert nodes[:2] != [100, 104] and nodes[-1] == 104  # still no left turn at 100
    straight = engine.shortest_path(table.index(-1), table.index(102))
    assert straight is not None and [int(table.nodes[table.v[e]]) for e in straight] == [100, 102]


def test_loaded_network_keeps_the_restrictions() -> None:
    # Default options: consolidation (nothing within 20 m merges here) and dropping
    # fragments under 2 km, which drops the dual carriageway and its relation 21.
    network = load_network(TURNS, options=BuildOptions(clip=False), use_cache=False)
    assert network.report.fragments["road"].dropped == 1
    assert network.report.turn_restrictions["on_graph"] == 8
    relations = {
        entry[0]
        for _, _, entries in network.road.edges(data=EDGE_ATTRIBUTE)
        for entry in entries or ()
    }
    assert relations == {1, 2, 3, 5, 7, 11, 12, 13}


def _reversing_line() -> Network:
    """Rail terminal 1 -> 3 -> crossing 2: the track turns straight back at 3 (x by id)."""
    rail = make_graph([(1, 3, {"railway": "rail"}), (3, 2, {"railway": "rail"})])
    places = [
        NetworkPlace("rail_terminal", "Terminal", ("tiny",), 4.01, 52.0, "rail", 1, 0.0, "rt-1"),
        NetworkPlace("bcp", "Crossing", ("tiny",), 4.02, 52.0, "rail", 2, 0.0, "bcp-2"),
    ]
    corridors = load_corridors(DATA / "corridors-tiny.yaml")
    return Network(road=make_graph([]), rail=rail, corridors=corridors, places=places)


def test_trains_reverse_only_where_allowed_and_pay_for_it() -> None:
    network = _reversing_line()
    strict = Router(network, rail_turns=replace(RAIL_TURNS, reverse_within_m=0.0))
    with pytest.raises(NoRouteError, match=r"turn rules forbid.*turning at node 3 .*'node:3'"):
        strict.route("rt-1", "bcp-2", "leopard-2a7", mode="rail", k=1)
    rules = replace(RAIL_TURNS, reverse_within_m=0.0, reverse_at=frozenset({"node:3"}))
    plan = Router(network, rail_turns=rules).route("rt-1", "bcp-2", "leopard-2a7", mode="rail")
    (route,) = plan.routes
    assert [edge[:2] for edge in route.edges] == [(1, 3), (3, 2)]
    assert "MSR reverses at node 3 (+20 min)" in plan.notes
    free = Router(network, rail_turns=None).route("rt-1", "bcp-2", "leopard-2a7", mode="rail")
    assert route.driving_s == pytest.approx(free.routes[0].driving_s + 1200.0)
