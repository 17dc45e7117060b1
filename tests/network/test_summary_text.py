"""The network summary as text and JSON: six lines per corridor, bridges cut after eight."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mobility.network._summary import network_summary
from mobility.network.load import Network, load_network
from mobility.network.summary_text import BRIDGES_NAMED, _bridges, corridor_lines, summary_document

DATA = Path(__file__).parent.parent / "data"


@pytest.fixture(scope="module")
def tiny() -> Network:
    return load_network(
        DATA / "tiny.osm",
        corridors=["tiny"],
        corridor_file=DATA / "corridors-tiny.yaml",
        use_cache=False,
    )


def test_six_lines_per_corridor_with_the_summary_figures(tiny: Network) -> None:
    entry = network_summary(tiny)["tiny"]
    lines = corridor_lines(tiny)
    assert len(lines) == 6 * len(tiny.corridors.corridors)
    assert lines[0] == f"tiny - {tiny.corridors.corridors['tiny'].name}"
    assert lines[1].startswith(
        f"  road: {entry['road_nodes']:,} nodes, {entry['road_edges']:,} edges, "
    )
    assert lines[2] == (
        f"  rail: {entry['rail_nodes']:,} nodes, {entry['rail_edges']:,} edges, "
        f"{entry['rail_km']:,.0f} km"
    )
    assert lines[3] == "  bridges: 1 (Testbrug)"
    assert lines[4].startswith("  tunnels by ADR category: ")
    assert lines[5].startswith("  border crossings: ")


def test_road_classes_are_listed_longest_first(tiny: Network) -> None:
    road = corridor_lines(tiny)[1]
    classes = road[road.index("(") + 1 : -1].split(", ")
    km = [float(item.rsplit(" ", 1)[1].replace(",", "")) for item in classes]
    assert km == sorted(km, reverse=True) and len(km) >= 1


def test_the_bridge_list_is_cut_after_eight_names() -> None:
    assert _bridges([]) == "0"
    assert _bridges(["A", "B"]) == "2 (A, B)"
    names = [f"b{i}" for i in range(BRIDGES_NAMED + 2)]
    assert _bridges(names) == f"{BRIDGES_NAMED + 2} ({', '.join(names[:BRIDGES_NAMED])}, ...)"
    assert _bridges(names[:BRIDGES_NAMED]).endswith("b7)")


def test_the_document_holds_the_summary_and_the_load_report(tiny: Network) -> None:
    document = summary_document(tiny)
    assert document["corridors"] == network_summary(tiny)
    assert document["report"] == tiny.report.to_dict()
    assert json.loads(json.dumps(document, default=str))["corridors"]["tiny"]["bridges"] == [
        "Testbrug"
    ]
