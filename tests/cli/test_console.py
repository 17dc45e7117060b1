"""The command line's consoles: lines printed as they are, on stdout or stderr."""

from __future__ import annotations

import pytest

from mobility.cli._console import console, error_console, print_lines


def test_lines_are_printed_as_they_are(capsys: pytest.CaptureFixture[str]) -> None:
    print_lines(["[bold]not markup[/bold]", "x" * 300, "  indented"])
    captured = capsys.readouterr()
    # No markup read, no wrap: a long line stays one line (soft wrap).
    assert captured.out.splitlines() == ["[bold]not markup[/bold]", "x" * 300, "  indented"]
    assert captured.err == ""


def test_err_lines_go_to_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    print_lines(iter(["violation [a]"]), err=True)
    captured = capsys.readouterr()
    assert (captured.out, captured.err) == ("", "violation [a]\n")


def test_the_consoles_soft_wrap() -> None:
    assert console.soft_wrap and error_console.soft_wrap
    assert error_console.stderr and not console.stderr
