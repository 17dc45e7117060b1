from __future__ import annotations

import json
from pathlib import Path

import pytest

from mobility.errors import DataError
from mobility.stress import _report_document as report_document
from mobility.stress._report_document import Report, render_html, render_markdown, write_report


def sample() -> Report:
    report = Report("Bridges | <b>down</b>")
    report.paragraphs.append("Two lines\nbecome one; a\\b stays.")
    report.table(
        "Loss", ["element", "veh/day", "share"], [["A16 | B", 12_345, 0.5], ["x", None, 2.0]]
    )
    report.table("Empty", ["a"], [], note="nothing <here>")
    report.chart("throughput.svg", "Throughput <now>", b"<svg/>")
    report.data = {"loss": 12_345, "inf": float("inf")}
    return report


def test_markdown_escapes_text_and_formats_cells() -> None:
    text = render_markdown(sample())
    lines = text.splitlines()
    assert lines[0] == "# Bridges \\| &lt;b>down&lt;/b>"
    assert "Two lines become one; a\\\\b stays." in lines
    assert "| element | veh/day | share |" in lines and "| A16 \\| B | 12,345 | 0.5 |" in lines
    assert "| x | - | 2 |" in lines  # None as a dash, trailing zeros dropped
    assert lines[lines.index("## Empty") + 2 : lines.index("## Empty") + 5] == [
        "nothing &lt;here>",
        "",
        "(none)",
    ]
    assert "![Throughput &lt;now>](throughput.svg)" in lines
    assert "map.html" not in text


def test_html_escapes_text_and_aligns_numbers() -> None:
    page = render_html(sample())
    assert "<title>Bridges | &lt;b&gt;down&lt;/b&gt;</title>" in page
    assert '<td>A16 | B</td><td class="n">12,345</td><td class="n">0.5</td>' in page
    assert "<p>(none)</p>" in page and "<p>nothing &lt;here&gt;</p>" in page
    assert '<img src="throughput.svg" alt="Throughput &lt;now&gt;">' in page
    report = sample()
    report.files["map.html"] = b"<html/>"
    assert '<a href="map.html">' in render_html(report)
    assert "Map: [map.html](map.html)" in render_markdown(report)


def test_write_report_writes_the_folder(tmp_path: Path) -> None:
    folder = write_report(sample(), tmp_path / "r", "html")
    # Besides the folder's hidden ownership mark:
    assert sorted(p.name for p in folder.iterdir() if not p.name.startswith(".")) == [
        "report.html",
        "results.json",
        "throughput.svg",
    ]
    assert json.loads((folder / "results.json").read_text()) == {"loss": 12345, "inf": None}
    assert (folder / "throughput.svg").read_bytes() == b"<svg/>"


def test_failed_write_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(_: object) -> str:
        raise RuntimeError("disk full")

    monkeypatch.setattr(report_document, "render_markdown", broken)
    with pytest.raises(RuntimeError):
        write_report(sample(), tmp_path / "out")
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(DataError, match="report format 'pdf'"):
        write_report(sample(), tmp_path / "out", "pdf")
