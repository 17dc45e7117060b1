from __future__ import annotations

import pytest

from mobility.errors import DataError
from mobility.stress._sweep_tasks import (
    ContextSpec,
    SweepOptions,
    SweepTask,
    draw_random,
    element_task,
    evaluate_task,
    sweep_kwargs,
)
from mobility.stress.capacity import CapacityModel
from mobility.stress.impact import StressContext
from mobility.stress.perturbation import Perturbation, RandomFailures


def test_task_kinds_and_fingerprints() -> None:
    closing = SweepTask("a", elements=(("road", 2),))
    assert closing.kind == "elements"
    assert SweepTask("b", perturbation=Perturbation("p")).kind == "perturbation"
    assert SweepTask("c", random_k=0, perturbation=Perturbation("w")).kind == "random"
    assert closing.fingerprint() == SweepTask("a", elements=(("road", 2),)).fingerprint()
    assert closing.fingerprint() != SweepTask("a", elements=(("road", 3),)).fingerprint()
    assert closing.fingerprint() != SweepTask("a", elements=(("road", 2),), run=1).fingerprint()


def test_spec_fingerprint_follows_what_changes_results() -> None:
    spec = ContextSpec(vehicles=("boxer-apc",))
    assert spec.fingerprint() == ContextSpec(vehicles=("boxer-apc",)).fingerprint()
    assert spec.fingerprint() != ContextSpec(vehicles=("leopard-2a7",)).fingerprint()
    slower = CapacityModel(road_hours_per_day=10.0)
    assert spec.fingerprint() != ContextSpec(vehicles=("boxer-apc",), capacity=slower).fingerprint()


def test_sweep_kwargs_default_to_serial() -> None:
    assert sweep_kwargs(None) == {"spec": None, "backend": "serial", "workers": 2, "address": None}
    spec = ContextSpec(focus=("north",))
    options = SweepOptions("process", 4, spec)
    assert sweep_kwargs(options) == {
        "spec": spec,
        "backend": "process",
        "workers": 4,
        "address": None,
    }


def test_evaluate_task_of_each_kind(tiny_context: StressContext) -> None:
    bridge = tiny_context.elements("road")[2]
    task = element_task(bridge)
    assert (task.id, task.elements) == ("road:2", (("road", 2),))
    closed = evaluate_task(tiny_context, task)
    assert (closed["id"], closed["kind"], closed["failed"]) == ("road:2", "elements", ["road:2"])
    direct = tiny_context.evaluate(Perturbation("road:2").with_closures(["Short bridge"]))
    assert closed["throughput_veh_per_day"] == direct.summary()["throughput_veh_per_day"]
    applied = evaluate_task(
        tiny_context, SweepTask("p", perturbation=Perturbation("p").with_closures(["A1"]))
    )
    assert applied["kind"] == "perturbation" and applied["failed"] == []
    assert applied["throughput_veh_per_day"]["road"] < closed["throughput_veh_per_day"]["road"]
    drawn = evaluate_task(tiny_context, SweepTask("r", random_k=2, seed=1, mode="road"))
    assert drawn["kind"] == "random" and len(drawn["failed"]) == 2
    assert all(f.startswith("road:") for f in drawn["failed"])
    with pytest.raises(DataError, match="task 'x': no element road element 99"):
        evaluate_task(tiny_context, SweepTask("x", elements=(("road", 99),)))


def test_random_draws_are_seeded_and_weighted(tiny_context: StressContext) -> None:
    draws = {
        tuple(e.id for e in draw_random(tiny_context, SweepTask("r", random_k=1, run=run)))
        for run in range(20)
    }
    assert len(draws) > 1  # uniform: several elements drawn over the runs
    task = SweepTask("r", random_k=1, run=3, seed=2)
    assert draw_random(tiny_context, task) == draw_random(tiny_context, task)
    assert len(draw_random(tiny_context, SweepTask("r", random_k=50))) == 5  # every element
    only_bridges = Perturbation("w", random_failures=RandomFailures(0, {"bridge": 0.1}))
    weighted = [
        draw_random(tiny_context, SweepTask("r", random_k=1, run=run, perturbation=only_bridges))
        for run in range(10)
    ]
    assert {e.name for (e,) in weighted} == {"Short bridge"}
    # Fewer elements with a probability than failures asked for: drawn uniformly.
    two = draw_random(tiny_context, SweepTask("r", random_k=2, perturbation=only_bridges))
    assert len(two) == 2 and any(e.name != "Short bridge" for e in two)
