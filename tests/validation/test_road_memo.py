"""Road derivations made once per distinct input: the same as made row by row, tampering caught."""

from __future__ import annotations

import json
import shutil
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

import mobility
from mobility.model.clock import local_time
from mobility.routing.column_timing import Checkpoint, ColumnSchedule, Halt
from mobility.routing.router import Router
from mobility.validation import validate_plan
from mobility.validation._road import derive_road, envelope, moved_types, row_column, row_types
from mobility.validation._road_memo import RoadMemo, moved
from mobility.validation.inputs import Inputs, load_inputs
from tests.validation.tamper import Folder, shift_row


def _t(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _router(inputs: Inputs) -> Router:
    return Router(
        inputs.network,
        inputs.catalogue,
        speeds=inputs.speeds,
        halt_rules=inputs.halt_rules,
        clearance_margin_m=inputs.clearance_margin_m,
    )


def _rows(plan: Path) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = json.loads((plan / "movement_table.json").read_text())
    return rows


def _twins(rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The largest group of road rows on the same route with the same vehicles, in plan order."""
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for m in rows:
        if m["mode"] == "road":
            groups[json.dumps([m["edges"], m["vehicles"]], sort_keys=True)].append(m)
    return max(groups.values(), key=len)


@pytest.mark.parametrize("plan", ["road", "rail", "rail-leg"])
def test_every_movement_derives_with_the_memo_as_on_its_own(
    plan: str, request: pytest.FixtureRequest, atlas: mobility.Network
) -> None:
    folder: Path = request.getfixturevalue(f"{plan.replace('-', '_')}_plan")
    inputs = load_inputs(folder, network=atlas)
    router = _router(inputs)
    types = moved_types(inputs.catalogue)
    requests = {r.id: r for r in inputs.scenario.requests}
    memo = RoadMemo(router)
    retimed: list[int] = []
    retime = router.retime
    timed = 0

    def counted(*args: Any, **kwargs: Any) -> ColumnSchedule:
        retimed.append(1)
        return retime(*args, **kwargs)

    for m in _rows(folder):
        asked = requests[m["request"]]
        shared: list[tuple[str, str]] = []
        alone: list[tuple[str, str]] = []
        router.retime = counted  # type: ignore[method-assign]
        with_memo = derive_road(m, asked, inputs.scenario, router, types, shared, memo)
        router.retime = retime  # type: ignore[method-assign]
        on_its_own = derive_road(m, asked, inputs.scenario, router, types, alone)
        assert (shared, with_memo) == (alone, on_its_own), m["movement"]
        assert shared == [], m["movement"]
        timed += with_memo.schedule is not None
    assert timed >= 2
    if plan == "road":  # march units of a battalion share routes and vehicles
        assert len(retimed) < timed / 2


def test_a_timing_from_another_start_is_the_same_schedule_moved(
    road_plan: Path, atlas: mobility.Network
) -> None:
    inputs = load_inputs(road_plan, network=atlas)
    router = _router(inputs)
    m = next(m for m in _rows(road_plan) if m["halts"] and m["mode"] == "road")
    request = next(r for r in inputs.scenario.requests if r.id == m["request"])
    pairs, _ = row_types(m, moved_types(inputs.catalogue))
    need = envelope([v for v, _ in pairs], request)
    column = row_column(m, request, inputs.scenario, pairs)
    edges = [tuple(e) for e in m["edges"]]
    start = _t(m["start"])
    first = router.retime(edges, column, need, start, request.origin, request.destination)
    assert first.halts and any(c.leave for c in first.checkpoints)
    # Later the same day, days later, and across the clock change of 28 March 2027.
    for later in (
        start + timedelta(hours=5, minutes=15),
        start + timedelta(days=3, seconds=17),
        datetime.fromisoformat("2027-03-27T23:30:00+01:00"),
    ):
        day, other_day = local_time(start).date(), local_time(later).date()
        assert router.vehicle_class(need, day=day) is router.vehicle_class(need, day=other_day)
        again = router.retime(edges, column, need, later, request.origin, request.destination)
        assert moved(first, later - start) == again
        assert moved(again, start - later) == first


def test_moving_a_schedule_moves_every_time_and_nothing_else(road_plan: Path) -> None:
    m = next(m for m in _rows(road_plan) if m["halts"])
    delta = timedelta(hours=2, seconds=1)
    # A schedule built from the row itself: every kind of time a timing holds.
    points = tuple(
        Checkpoint(
            name=c["name"],
            kind=c["kind"],
            node=c["node"],
            distance_m=c["km"] * 1000,
            arrive=_t(c["arrive"]),
            clear=_t(c["clear"]),
            leave=_t(c["leave"]) if c.get("leave") else None,
        )
        for c in m["checkpoints"]
    )
    halts = tuple(
        Halt(h["name"], h["kind"], 0, 0.0, _t(h["start"]), _t(h["end"]), h["at_support_centre"])
        for h in m["halts"]
    )
    schedule = ColumnSchedule(
        _t(m["start"]), _t(m["arrive"]), _t(m["clear"]), 3600.0, points, halts
    )
    later = moved(schedule, delta)
    assert moved(schedule, timedelta(0)) is schedule
    assert (later.start, later.arrive, later.clear, later.driving_s) == (
        schedule.start + delta,
        schedule.arrive + delta,
        schedule.clear + delta,
        3600.0,
    )
    for a, b in zip(schedule.checkpoints, later.checkpoints, strict=True):
        assert (b.name, b.node, b.distance_m) == (a.name, a.node, a.distance_m)
        assert (b.arrive, b.clear) == (a.arrive + delta, a.clear + delta)
        assert b.leave == (None if a.leave is None else a.leave + delta)
    for h, g in zip(schedule.halts, later.halts, strict=True):
        assert (g.name, g.kind, g.start, g.end) == (h.name, h.kind, h.start + delta, h.end + delta)
    assert schedule.halts[0].start == _t(m["halts"][0]["start"])  # the original is unchanged


def test_a_tampered_march_unit_among_identical_ones_is_caught(
    road_plan: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "plan"
    shutil.copytree(road_plan, folder)
    f = Folder(folder)
    twins = _twins(f.table)
    assert len(twins) >= 3
    first, middle, last = twins[0], twins[len(twins) // 2], twins[-1]
    # The first of them is derived first: its timing is the one the others share.
    point = first["checkpoints"][len(first["checkpoints"]) // 2]
    point["arrive"] = (_t(point["arrive"]) - timedelta(minutes=10)).isoformat()
    # Another moved whole by 7 minutes: off the start grid, every time consistent.
    shift_row(middle, timedelta(minutes=7))
    last["clear"] = (_t(last["clear"]) - timedelta(minutes=5)).isoformat()
    f.save()
    found = validate_plan(folder)
    named = {v.movement for v in found}
    assert {first["movement"], middle["movement"], last["movement"]} <= named
    assert any(v.rule == "timing" and point["name"] in v.message for v in found)
    assert any(v.rule == "slot" and v.movement == middle["movement"] for v in found)
    # Its timing, moved with it, is still the route's.
    assert not any(
        v.rule in ("timing", "halts", "checkpoint") and v.movement == middle["movement"]
        for v in found
    )
    assert any(
        v.rule == "timing" and v.movement == last["movement"] and "clears" in v.message
        for v in found
    )
    untouched = {m["movement"] for m in twins} - {
        first["movement"],
        middle["movement"],
        last["movement"],
    }
    assert not {v.movement for v in found if v.rule in ("timing", "halts", "checkpoint")} & (
        untouched
    )


def test_rows_are_timed_as_with_their_whole_envelope_by_one_class_per_speed_limit(
    road_plan: Path, atlas: mobility.Network
) -> None:
    folder = road_plan
    inputs = load_inputs(folder, network=atlas)
    memo, router = RoadMemo(_router(inputs)), _router(inputs)
    types = moved_types(inputs.catalogue)
    requests = {r.id: r for r in inputs.scenario.requests}
    needs, speeds = set(), set()
    for m in _rows(folder):
        if m["mode"] != "road" or not m["edges"]:
            continue
        asked = requests[m["request"]]
        pairs, _ = row_types(m, types)
        need = envelope([v for v, _ in pairs], asked)
        edges = tuple(tuple(e) for e in m["edges"])
        args = (_t(m["start"]), asked.origin, asked.destination)
        column = row_column(m, asked, inputs.scenario, pairs)
        whole = router.retime(list(edges), column, need, *args)
        timed = memo.timing(
            edges,
            pairs,
            lambda: column,  # noqa: B023 (called at once)
            need,
            start=args[0],
            origin=args[1],
            destination=args[2],
        )
        assert timed == whole, m["movement"]
        needs.add(replace(need, label=""))
        speeds.add(need.max_speed_kph)
    assert len(speeds) < len(needs)  # the plans' envelopes share speed limits
    assert len(memo.router._modes["road"].classes) == len(speeds)
