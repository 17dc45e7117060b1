"""A report document: paragraphs, tables and charts, rendered and written atomically.

:class:`Report` is what the report builders of :mod:`mobility.stress.report`
assemble; :func:`render_markdown` and :func:`render_html` render it (text
from inputs is escaped in HTML and in Markdown tables), and
:func:`write_report` writes the report folder: ``report.md`` (or
``report.html``), ``results.json`` and the report's files (charts, map),
built under a temporary name beside the target and renamed into place when
complete, so a failed run leaves no half-written report.
"""

from __future__ import annotations

import html
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mobility import _json as strict_json
from mobility._atomic import write_folder_atomic
from mobility.errors import DataError

FORMATS = ("md", "html")
Cell = str | int | float | None


@dataclass
class Table:
    """A titled table of cells."""

    title: str
    columns: list[str]
    rows: list[list[Cell]]
    note: str = ""


@dataclass
class Report:
    """A report being assembled: paragraphs, tables, charts and files."""

    title: str
    paragraphs: list[str] = field(default_factory=list)
    blocks: list[Table | tuple[str, str]] = field(default_factory=list)
    files: dict[str, bytes] = field(default_factory=dict)
    data: dict[str, Any] = field(default_factory=dict)

    def table(self, title: str, columns: list[str], rows: list[list[Cell]], note: str = "") -> None:
        """Add a table."""
        self.blocks.append(Table(title, columns, rows, note))

    def chart(self, name: str, caption: str, svg: bytes) -> None:
        """Add a chart (SVG) shown in the report."""
        self.files[name] = svg
        self.blocks.append((name, caption))


def _cell(value: Cell) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.3f}".rstrip("0").rstrip(".") if abs(value) < 1e6 else f"{value:,.0f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _md_text(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;").replace("\n", " ")


def render_markdown(report: Report) -> str:
    """Render the report as Markdown."""
    lines = [f"# {_md_text(report.title)}", ""]
    for paragraph in report.paragraphs:
        lines += [_md_text(paragraph), ""]
    for block in report.blocks:
        if isinstance(block, Table):
            lines += [f"## {_md_text(block.title)}", ""]
            if block.note:
                lines += [_md_text(block.note), ""]
            if not block.rows:
                lines += ["(none)", ""]
                continue
            lines.append("| " + " | ".join(_md_text(c) for c in block.columns) + " |")
            lines.append("|" + "|".join(" --- " for _ in block.columns) + "|")
            for row in block.rows:
                lines.append("| " + " | ".join(_md_text(_cell(c)) for c in row) + " |")
            lines.append("")
        else:
            name, caption = block
            lines += [f"![{_md_text(caption)}]({name})", "", f"*{_md_text(caption)}*", ""]
    if "map.html" in report.files:
        lines += ["Map: [map.html](map.html)", ""]
    return "\n".join(lines)


def render_html(report: Report) -> str:
    """Render the report as one HTML page (charts as linked SVG files; text escaped)."""
    e = html.escape
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{e(report.title)}</title>",
        "<style>body{font-family:sans-serif;max-width:70em;margin:2em auto;padding:0 1em}"
        "table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{border:1px solid #bbb;"
        "padding:.2em .5em;text-align:left}th{background:#eee}td.n{text-align:right}"
        "img{max-width:100%}</style></head><body>",
        f"<h1>{e(report.title)}</h1>",
    ]
    parts += [f"<p>{e(p)}</p>" for p in report.paragraphs]
    for block in report.blocks:
        if isinstance(block, Table):
            parts.append(f"<h2>{e(block.title)}</h2>")
            if block.note:
                parts.append(f"<p>{e(block.note)}</p>")
            if not block.rows:
                parts.append("<p>(none)</p>")
                continue
            parts.append(
                "<table><thead><tr>"
                + "".join(f"<th>{e(c)}</th>" for c in block.columns)
                + "</tr></thead><tbody>"
            )
            for row in block.rows:
                cells = "".join(
                    f'<td class="n">{e(_cell(c))}</td>'
                    if isinstance(c, (int, float))
                    else f"<td>{e(_cell(c))}</td>"
                    for c in row
                )
                parts.append(f"<tr>{cells}</tr>")
            parts.append("</tbody></table>")
        else:
            name, caption = block
            parts.append(
                f'<figure><img src="{e(name)}" alt="{e(caption)}">'
                f"<figcaption>{e(caption)}</figcaption></figure>"
            )
    if "map.html" in report.files:
        parts.append('<p><a href="map.html">Map of the affected elements</a></p>')
    parts.append("</body></html>")
    return "\n".join(parts)


#: Every file a report folder may hold: an older folder of only these may be replaced.
REPORT_FILES = frozenset(
    {
        "report.md",
        "report.html",
        "results.json",
        "map.html",
        "throughput.svg",
        "criticality.svg",
        "resilience.svg",
    }
)


def write_report(report: Report, out_dir: str | os.PathLike[str], fmt: str = "md") -> Path:
    """Write the report folder atomically and return its path.

    Raises
    ------
    DataError
        If ``fmt`` is not ``md`` or ``html``.
    """
    if fmt not in FORMATS:
        raise DataError(f"report format {fmt!r} is not one of {', '.join(FORMATS)}")
    text = render_markdown(report) if fmt == "md" else render_html(report)
    files = {
        f"report.{fmt}": text.encode("utf-8"),
        "results.json": strict_json.dumps(
            report.data, indent=1, ensure_ascii=False, default=str
        ).encode("utf-8"),
        **report.files,
    }
    return write_folder_atomic(out_dir, files, kind="report")
