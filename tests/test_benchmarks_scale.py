"""The scale benchmark's synthetic OSM generator, at its smallest size, through the real loader."""

from __future__ import annotations

from pathlib import Path

import pytest

import mobility
from benchmarks._synthetic_osm import generate


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, object]]:
    path = tmp_path_factory.mktemp("scale") / "tiny.osm.pbf"
    return path, generate(path, "tiny", seed=13)


@pytest.fixture(scope="module")
def unclipped(tiny: tuple[Path, dict[str, object]]) -> mobility.Network:
    return mobility.load_network(
        tiny[0], options=mobility.BuildOptions(clip=False), use_cache=False
    )


def test_generation_is_seeded(tiny: tuple[Path, dict[str, object]], tmp_path: Path) -> None:
    path, counts = tiny
    again = generate(tmp_path / "again.osm.pbf", "tiny", seed=13)
    assert {k: v for k, v in again.items() if k != "file_mb"} == {
        k: v for k, v in counts.items() if k != "file_mb"
    }
    assert (tmp_path / "again.osm.pbf").read_bytes() == path.read_bytes()


def test_motorways_are_dual_one_way_carriageways(unclipped: mobility.Network) -> None:
    road = unclipped.road
    motorway = [(u, v, d) for u, v, d in road.edges(data=True) if d["highway"] == "motorway"]
    assert motorway
    assert all(d["oneway"] for _, _, d in motorway)
    # No carriageway edge has a twin in the opposite direction: traffic the
    # other way runs on the other carriageway, a separate way 15-20 m away.
    assert not any(
        any(o.get("highway") == "motorway" for o in (road.get_edge_data(v, u) or {}).values())
        for u, v, _ in motorway
    )
    links = [d for _, _, d in road.edges(data=True) if d["highway"] == "motorway_link"]
    assert links and all(d["oneway"] for d in links)


def test_places_attach_and_junctions_are_named(unclipped: mobility.Network) -> None:
    corridor_places = [p for p in unclipped.places if p.place_id]
    assert corridor_places
    assert all(p.node is not None for p in corridor_places)
    assert unclipped.report.unattached_places == []
    kinds = {p.kind for p in unclipped.places}
    assert {"junction", "station"} <= kinds
    structures = [d for _, _, d in unclipped.road.edges(data=True) if d.get("bridge")]
    assert any(d.get("mlc_tracked") or d.get("maxweight_t") for d in structures)
    assert any(d.get("tunnel_category") for _, _, d in unclipped.road.edges(data=True))


def test_every_port_reaches_every_crossing(unclipped: mobility.Network) -> None:
    router = mobility.Router(unclipped)
    ports = [p for p in unclipped.places if p.kind == "spod" and p.mode == "road"]
    crossings = [p for p in unclipped.places if p.kind == "bcp" and p.mode == "road"]
    for port in ports:
        for crossing in crossings:
            plan = router.route(port.place_id, crossing.place_id, "daf-cf-cargo", k=1)
            assert plan.routes


def test_scaled_defender_repeats_the_requests(tmp_path: Path) -> None:
    from benchmarks.scale import PLAN_SIZES, scaled_scenario
    from mobility.model.scenario import load_scenario

    original = load_scenario(
        Path(__file__).parent.parent / "examples/scenarios/defender-surge.yaml"
    )
    made = scaled_scenario(tmp_path / "x2.yaml", 2, 100)
    scenario = load_scenario(tmp_path / "x2.yaml")
    assert made["requests"] == len(scenario.requests) == 100
    assert len({r.id for r in scenario.requests}) == 100
    copy = scenario.requests[len(original.requests)]
    first = original.requests[0]
    assert copy.id == f"{first.id}-x2"
    assert (copy.origin, copy.destination, copy.vehicles) == (
        first.origin, first.destination, first.vehicles
    )  # fmt: skip
    assert PLAN_SIZES[3000] == (3, 3 * len(original.requests))


def test_rest_areas_are_read_as_halt_sites(
    tiny: tuple[Path, dict[str, object]], unclipped: mobility.Network
) -> None:
    _, counts = tiny
    sites = unclipped.halt_sites
    assert counts["rest_areas"] == len(sites) > 0
    assert {s.kind for s in sites} == {"services", "rest_area"}
    # Services tell their truck places; every area has its outline's area.
    assert all(s.vehicles for s in sites if s.kind == "services")
    assert all(s.area_m2 is not None and 5_000 < s.area_m2 < 16_000 for s in sites)
