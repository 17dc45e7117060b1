"""The command line's two consoles: results on stdout; errors, notices and progress on stderr."""

from __future__ import annotations

from collections.abc import Iterable

from rich.console import Console

__all__ = ["console", "error_console", "print_lines"]

# Long lines (names, routes) wrap in the terminal, not in the text.
console = Console(soft_wrap=True)
error_console = Console(stderr=True, soft_wrap=True)


def print_lines(lines: Iterable[str], *, err: bool = False) -> None:
    """Print each line as it is: no rich markup read, no highlighting (stderr if ``err``)."""
    target = error_console if err else console
    for line in lines:
        target.print(line, markup=False, highlight=False)
