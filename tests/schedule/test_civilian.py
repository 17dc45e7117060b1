from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import mobility
from mobility.model.scenario import load_scenario
from mobility.routing.router import Router
from mobility.schedule.civilian import civilian_delay_rows
from mobility.schedule.instance import DISRUPTION_SCALE, build_instance


def test_delay_by_road_and_hour_adds_up_and_names_its_source(
    tiny_scenario: Path, atlas: mobility.Network, router: Router
) -> None:
    instance = build_instance(load_scenario(tiny_scenario), atlas, router)
    checked = 0
    for task in instance.tasks:
        for index, option in enumerate(task.options):
            slots = np.flatnonzero(option.allowed & (option.disruption > 0))
            for slot in slots[:3].tolist():
                rows = civilian_delay_rows(instance, task, index, slot)
                total = sum(float(str(r["delay_vh"])) for r in rows)
                expected = option.disruption[slot] / DISRUPTION_SCALE
                assert total == pytest.approx(expected, abs=0.01 + 0.0005 * len(rows))
                assert {r["demand"] for r in rows} == {"default"}
                assert all(str(r["hour"]).endswith(":00") for r in rows)
                checked += 1
    assert checked > 0
