from __future__ import annotations

from pathlib import Path

import pytest

from mobility.cli import main
from tests.maps.conftest import DATA


def test_plan_writes_the_map_and_charts_and_map_redraws_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "plan"
    scenario = str(DATA / "scenario-tiny.yaml")
    assert main(["plan", scenario, "--out", str(out), "--fast", "--time-limit", "2"]) == 0
    for name in ("map.html", "gantt.png", "utilisation.png"):
        assert (out / name).stat().st_size > 1000, name
    page = (out / "map.html").read_text(encoding="utf-8")
    assert "mobility.plan(" in page and "tiny-south" in page
    capsys.readouterr()
    html = tmp_path / "maps" / "tiny.html"
    assert main(["map", str(out), "--out", str(html), "--colour-by", "corridor"]) == 0
    assert "wrote" in capsys.readouterr().out and "corridor south" in html.read_text()
    network = tmp_path / "network.html"
    assert main(["map", "--network", "--out", str(network)]) == 0
    assert "Corridor roads" in network.read_text() and "mobility.plan(" not in network.read_text()


def test_map_needs_a_plan_or_network(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["map"]) == 2
    assert "needs either PLAN_DIR or --network" in capsys.readouterr().err
    assert main(["map", str(tmp_path / "none")]) == 2
    assert "does not exist" in capsys.readouterr().err
