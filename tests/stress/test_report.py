from __future__ import annotations

from pathlib import Path

import pytest

from mobility.cli import main
from mobility.network.load import Network
from mobility.stress.critical import criticality
from mobility.stress.impact import StressContext
from mobility.stress.montecarlo import resilience_curve
from mobility.stress.perturbation import Perturbation
from mobility.stress.report import criticality_report, impact_report, write_report
from tests.stress.conftest import DATA, EXAMPLES


def test_impact_report_escapes_text(tiny_context: StressContext, tmp_path: Path) -> None:
    impact = tiny_context.evaluate(
        Perturbation("<script>alert(1)</script> | x").with_closures(["Short bridge"])
    )
    report = impact_report(impact)
    html_dir = write_report(report, tmp_path / "h", "html")
    page = (html_dir / "report.html").read_text()
    assert "<script>alert" not in page and "&lt;script&gt;" in page
    assert "Short bridge (bridge, A1, way 204)" in page
    md = (write_report(report, tmp_path / "m", "md") / "report.md").read_text()
    assert "<script>" not in md and "\\|" in md
    svg = (html_dir / "throughput.svg").read_bytes()
    assert (
        svg.startswith(b"<?xml") and svg == (tmp_path / "m" / "throughput.svg").read_bytes()
    )  # reproducible


def test_criticality_report_with_curve_and_map(
    tiny: Network, tiny_context: StressContext, tmp_path: Path
) -> None:
    ranked = criticality(tiny_context)
    curve = resilience_curve(tiny_context, [0, 1, 2], 3)
    folder = write_report(
        criticality_report(
            ranked, by="stranded", baseline=tiny_context.baseline, curve=curve, network=tiny
        ),
        tmp_path / "c",
    )
    text = (folder / "report.md").read_text()
    assert "| 1 | Short road near SPOD-A (road, way 102)" in text and "Resilience curve" in text
    assert {"criticality.svg", "resilience.svg", "results.json", "report.md"} <= {
        p.name for p in folder.iterdir()
    }
    if (folder / "map.html").exists():
        assert "Short road" in (folder / "map.html").read_text()


def test_cli_stress_and_criticality(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "stress"
    code = main(
        [
            "stress",
            str(DATA / "scenario-tiny.yaml"),
            "-p",
            str(EXAMPLES / "perturbations" / "betuweroute-cut.yaml"),
            "-p",
            str(EXAMPLES / "perturbations" / "surge-x2.yaml"),
            "--time-limit",
            "0.2",
            "--out",
            str(out),
            "--format",
            "html",
        ]
    )
    printed = capsys.readouterr().out
    assert (
        code == 0 and "rail throughput: 1,155 -> " in printed and "vehicles: 52 -> 104" in printed
    )
    report = (out / "report.html").read_text()
    assert "betuweroute-cut + surge-x2" in report
    assert "Civilian delay by road section and hour (replanned, largest first)" in report
    out = tmp_path / "crit"
    code = main(
        [
            "criticality",
            "--mode",
            "rail",
            "--top",
            "3",
            "--backend",
            "serial",
            "--resilience",
            "0,2",
            "--runs",
            "2",
            "--out",
            str(out),
        ]
    )
    printed = capsys.readouterr().out
    assert code == 0 and printed.count("pairs stranded") == 3 and "Betuweroute" in printed
    assert "Resilience curve" in (out / "report.md").read_text()
    assert main(["stress", "-p", str(tmp_path / "missing.yaml")]) == 2
    assert "perturbation file" in capsys.readouterr().err
    assert main(["criticality", "--resilience", "one"]) == 2
