"""The load report: counts, examples, and the lines a user reads."""

from __future__ import annotations

import json

import networkx as nx

from mobility.network._tags import TagIssue
from mobility.network.report import MAX_EXAMPLES_PER_KEY, FragmentSummary, LoadReport
from mobility.network.restrictions import EDGE_ATTRIBUTE, Status, TurnRestriction


def _restriction(relation: int, status: Status) -> TurnRestriction:
    return TurnRestriction(relation, "no_left_turn", (1,), (2,), (), (3,), status)


def test_issues_are_counted_with_a_few_examples() -> None:
    report = LoadReport("x.osm", "osm-xml")
    for way in range(MAX_EXAMPLES_PER_KEY + 3):
        report.add_issues(way, [TagIssue("maxweight", f"{way} t?", "not a weight")])
    report.add_issues(99, [TagIssue("lanes", "two", "not a number")])
    assert report.unparsed == {"maxweight": MAX_EXAMPLES_PER_KEY + 3, "lanes": 1}
    assert report.unparsed_total == MAX_EXAMPLES_PER_KEY + 4
    assert len(report.unparsed_examples["maxweight"]) == MAX_EXAMPLES_PER_KEY
    assert report.unparsed_examples["lanes"] == [
        {"way": 99, "raw": "two", "reason": "not a number"}
    ]


def test_restrictions_are_counted_then_recounted_on_the_graph() -> None:
    report = LoadReport("x.osm", "osm-xml")
    restrictions = [
        _restriction(1, "binding"),
        _restriction(2, "binding"),
        _restriction(3, "via_way"),
        _restriction(4, "conditional"),
    ]
    report.count_restrictions(restrictions, attached={1, 2})
    assert report.turn_restrictions == {
        "read": 4,
        "binding": 2,
        "via_way": 1,
        "conditional": 1,
        "on_graph": 2,
    }
    graph = nx.MultiDiGraph()
    graph.add_edge(1, 2, **{EDGE_ATTRIBUTE: ((2, "no_left_turn", 3),)})
    graph.add_edge(2, 3)
    report.count_restrictions_on_graph(graph)  # consolidation dropped relation 1
    assert report.turn_restrictions["on_graph"] == 1
    empty = LoadReport("y.osm", "osm-xml")
    empty.count_restrictions_on_graph(graph)
    assert empty.turn_restrictions == {}  # none read: nothing to recount


def test_to_dict_is_json_ready() -> None:
    report = LoadReport("x.osm", "osm-xml", ways_read=3, ways_kept={"road": 2})
    report.add_issues(7, [TagIssue("maxspeed", "fast", "not a speed")])
    report.fragments["road"] = FragmentSummary("drop", components=2, kept=1, dropped=1)
    data = json.loads(json.dumps(report.to_dict()))
    assert data["unparsed"] == {"maxspeed": 1} and data["unparsed_total"] == 1
    assert data["fragments"]["road"]["dropped"] == 1 and data["ways_read"] == 3


def test_lines_say_what_the_load_did() -> None:
    report = LoadReport(
        "roads.shp",
        "shapefile",
        ways_read=None,
        ways_kept={"road": 1200, "rail": 3},
        refs_outside_corridors=5,
        consolidated_nodes={"road": (1000, 900)},
        unattached_places=[f"place {i}" for i in range(8)],
        one_way_places=["Port (entry only)"],
        notes=["roads.shp has no .prj"],
    )
    report.fragments["road"] = FragmentSummary("drop", 3, 1, 2, 1500.0)
    report.count_restrictions([_restriction(1, "binding"), _restriction(2, "via_way")], {1})
    report.add_issues(7, [TagIssue("maxspeed", "fast", "not a speed")])
    lines = report.lines()
    assert lines[:4] == [
        "source: roads.shp (shapefile)",
        "ways read: ?; kept: road 1,200, rail 3",
        "node refs without location: 0; outside corridors: 5 (--no-clip keeps them)",
        "note: roads.shp has no .prj",
    ]
    assert "road fragments (drop): 3 components, kept 1, dropped 2 (1.5 km)" in lines
    assert "road junction consolidation: 1,000 -> 900 nodes" in lines
    assert (
        "corridor places not on the loaded network: 8 "
        "(place 0, place 1, place 2, place 3, place 4, place 5, and 2 more)"
    ) in lines
    assert "corridor places at a one-way end of the network: 1 (Port (entry only))" in lines
    assert (
        "turn restrictions: 2 read, 1 bind columns, 1 on the road graph; not applied: 1 via way"
    ) in lines
    assert lines[-2:] == ["unparsed tag values: 1", "  maxspeed: 1 (e.g. way 7: 'fast')"]
