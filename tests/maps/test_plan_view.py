from __future__ import annotations

import copy
from pathlib import Path

import pytest

from mobility.errors import DataError
from mobility.maps import plan_view, read_plan_view
from mobility.schedule.plan import Plan
from mobility.schedule.plan_files import write_plan


def test_a_plan_folder_reads_back_as_the_plan(tiny_plan: Plan, tmp_path: Path) -> None:
    folder = write_plan(copy.deepcopy(tiny_plan), tmp_path / "plan")
    from_files = read_plan_view(folder)
    direct = plan_view(tiny_plan)
    assert from_files.scenario == direct.scenario == "tiny-south"
    assert from_files.start == direct.start and from_files.horizon_s == 24 * 3600
    assert [m["movement"] for m in from_files.movements] == [
        m["movement"] for m in direct.movements
    ]
    assert from_files.routes == direct.routes
    assert from_files.utilisation == direct.utilisation and direct.utilisation
    assert isinstance(from_files.utilisation[0]["peak"], int)


def test_missing_or_broken_files_are_named(tiny_plan: Plan, tmp_path: Path) -> None:
    with pytest.raises(DataError, match=r"plan folder .*nowhere' does not exist"):
        read_plan_view(tmp_path / "nowhere")
    folder = write_plan(copy.deepcopy(tiny_plan), tmp_path / "plan")
    (folder / "routes.geojson").write_text("{", encoding="utf-8")
    with pytest.raises(DataError, match=r"routes\.geojson' cannot be read as JSON"):
        read_plan_view(folder)
    (folder / "routes.geojson").write_text('{"type": "FeatureCollection", "features": []}')
    with pytest.raises(DataError, match=r"movement '\d\d-NLD-001' has no route line"):
        read_plan_view(folder)
    (folder / "summary.json").unlink()
    with pytest.raises(DataError, match=r"has no summary\.json"):
        read_plan_view(folder)
