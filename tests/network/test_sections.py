from __future__ import annotations

from pathlib import Path

import pytest

import mobility
from mobility.routing.edges import EdgeTable
from mobility.routing.router import Router
from tests.routing.conftest import make_graph

DATA = Path(__file__).parent.parent / "data"


@pytest.fixture(scope="module")
def dual_router() -> Router:
    network = mobility.load_network(
        DATA / "structures.osm", corridor_file=DATA / "corridors-structures.yaml", use_cache=False
    )
    return Router(network)


def test_sections_run_between_junctions_and_cover_every_other_edge(dual_router: Router) -> None:
    table = dual_router.table("road")
    sections = table.sections.sections
    covered = sorted(e for s in sections for e in s.edges)
    plain = [e for e in range(table.n_edges) if not (table.bridge[e] or table.tunnel[e])]
    assert covered == plain  # each once
    names = {s.name for s in sections}
    # Both carriageways between the junction and the crossing are one section.
    east = next(s for s in sections if s.name == "A50 between Aansluiting Test and East crossing")
    assert east.ways == (14, 20, 40) and east.ref == "A50"
    assert "Toerit Noord between Aansluiting Test and North port" in names
    assert len(names) == len(sections)


def test_a_section_weighs_its_ref_and_name_by_length_with_unknown_lengths_as_zero() -> None:
    """An edge without a length does not name the section (#13: lengths converted once)."""
    graph = make_graph(
        [
            (1, 2, {"ref": "N1", "name": "Long Road", "length_m": float("nan")}),
            (2, 3, {"ref": "N2", "name": "Short Road", "length_m": 300.0}),
            (3, 4, {"ref": "N2", "name": "Short Road", "length_m": 200.0}),
        ]
    )
    sections = EdgeTable.from_graph(graph).sections.sections
    assert [(s.name, s.ref, s.ways) for s in sections] == [
        ("N2 Short Road (way 102)", "N2", (102, 203, 304))
    ]
