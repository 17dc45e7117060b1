"""The validator's rail rules, on the rows of a real train plan and tampered copies."""

from __future__ import annotations

import copy
from datetime import datetime, timedelta
from typing import Any

import pytest

from mobility.schedule.instance import Instance
from mobility.schedule.plan import Plan
from mobility.schedule.rail_rows import rail_constraints
from mobility.schedule.validate_rail import rail_spans, train_occupations, train_problems


@pytest.fixture(scope="module")
def train(rail_built: tuple[Instance, Plan]) -> tuple[dict[str, Any], dict[str, Any]]:
    """A train's movement row and the rail rules, terminals and lines it was planned with."""
    instance, plan = rail_built
    row = next(m.data for m in plan.movements if m.data["mode"] == "rail")
    rail = rail_constraints(instance)
    assert rail is not None
    return row, rail


def _later(text: str, minutes: float) -> str:
    return (datetime.fromisoformat(text) + timedelta(minutes=minutes)).isoformat()


def test_a_planned_train_has_no_problem(train: tuple[dict[str, Any], dict[str, Any]]) -> None:
    row, rail = train
    assert train_problems(row, rail) == []


def _problems(train: tuple[dict[str, Any], dict[str, Any]], change: Any) -> list[tuple[str, str]]:
    row, rail = copy.deepcopy(train)
    change(row, rail)
    return train_problems(row, rail)


def test_tampered_trains_are_caught_with_the_rule_and_what_is_wrong(
    train: tuple[dict[str, Any], dict[str, Any]],
) -> None:
    def more_vehicles_in_the_row(row: dict[str, Any], rail: dict[str, Any]) -> None:
        row["vehicles"] = {k: v + 1 for k, v in row["vehicles"].items()}

    def departs_before_loading_ends(row: dict[str, Any], rail: dict[str, Any]) -> None:
        row["train"]["depart"] = _later(row["train"]["loading_end"], -30)

    def shorter_line(row: dict[str, Any], rail: dict[str, Any]) -> None:
        line = row["train"]["path"][0]["line"]
        rail["lines"][line]["max_length_m"] = 100.0

    def too_fast(row: dict[str, Any], rail: dict[str, Any]) -> None:
        section = row["train"]["path"][0]
        section["leave"] = _later(section["enter"], 1)

    def tight_headway(row: dict[str, Any], rail: dict[str, Any]) -> None:
        section = row["train"]["path"][0]
        section["headway_min"] = 1

    def clears_before_arriving(row: dict[str, Any], rail: dict[str, Any]) -> None:
        row["clear"] = _later(row["arrive"], -10)

    cases = [
        (more_vehicles_in_the_row, "consist", "wagons carry"),
        (departs_before_loading_ends, "rail", "departs before loading ends"),
        (shorter_line, "consist", " m train on "),
        (too_fast, "rail", "faster than"),
        (tight_headway, "rail", "headway 1 min"),
        (clears_before_arriving, "rail", "clears the border before arriving"),
    ]
    for change, rule, text in cases:
        found = _problems(train, change)
        assert any(r == rule and text in message for r, message in found), (change, found)


def test_a_train_occupies_its_ramp_a_day_of_the_terminal_each_line_and_the_crossing(
    train: tuple[dict[str, Any], dict[str, Any]],
) -> None:
    row, rail = train
    spans = train_occupations(row, rail)
    terminal = row["train"]["terminal"]["id"]
    start = datetime.fromisoformat(row["train"]["loading_start"])
    assert spans[f"ramp:{terminal}"] == [
        (start, datetime.fromisoformat(row["train"]["loading_end"]), 1, row["movement"])
    ]
    assert spans[f"ramp_day:{terminal}"][0][:2] == (start, start + timedelta(hours=24))
    lines = {s["line"] for s in row["train"]["path"]}
    assert {rid for rid in spans if rid.startswith("path:")} == {f"path:{x}" for x in lines}
    first = row["train"]["path"][0]
    begin, end, _, _ = spans[f"path:{first['line']}"][0]
    assert begin.second == 0 and end - begin == timedelta(minutes=first["headway_min"])
    crossing = spans[f"rail_border:{row['train']['border']['id']}"][0]
    arrive = datetime.fromisoformat(row["arrive"])
    assert crossing[:2] == (arrive, arrive + timedelta(minutes=60 // rail["border_trains_per_h"]))


def test_rail_spans_find_lines_terminals_and_crossings_by_folded_name(
    train: tuple[dict[str, Any], dict[str, Any]],
) -> None:
    row, _ = train
    section = row["train"]["path"][0]
    assert (
        datetime.fromisoformat(section["enter"]),
        datetime.fromisoformat(section["leave"]),
    ) in rail_spans(row, section["line"].casefold())
    terminal = row["train"]["terminal"]["name"].casefold()
    loading = (row["train"]["loading_start"], row["train"]["loading_end"])
    # The terminal is also the path's first checkpoint: loading is one of its spans.
    assert tuple(datetime.fromisoformat(t) for t in loading) in rail_spans(row, terminal)
    border = row["train"]["border"]["id"].casefold()
    assert rail_spans(row, border)[-1] == (
        datetime.fromisoformat(row["arrive"]),
        datetime.fromisoformat(row["clear"]),
    )
    assert rail_spans(row, "nowhere") == []
    assert rail_spans({**row, "mode": "road"}, terminal) == []
