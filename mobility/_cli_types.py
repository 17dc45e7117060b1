"""Argument types of the command line: finite, bounded numbers or a clear usage error.

``float("nan")`` and ``float("inf")`` parse, and ``int`` takes any size: every
numeric option goes through one of these so that ``--time-limit nan`` or
``--count 1000000000`` is refused by argparse (exit status 2) before any work.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable

from mobility import settings

_INT_MAX = 2**31 - 1


def real(low: float = 0.0, high: float = 1e9, *, above: bool = False) -> Callable[[str], float]:
    """Return an argparse type: a finite number from ``low`` (excluded if ``above``) to ``high``."""

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
        if not math.isfinite(value):
            raise argparse.ArgumentTypeError(f"expected a finite number, got {text!r}")
        if value < low or (above and value == low) or value > high:
            bound = f"> {low:g}" if above else f">= {low:g}"
            raise argparse.ArgumentTypeError(
                f"expected a number {bound} and <= {high:g}, got {text!r}"
            )
        return value

    parse.__name__ = "number"
    return parse


def whole(low: int = 0, high: int | Callable[[], int] = _INT_MAX) -> Callable[[str], int]:
    """Return an argparse type: a whole number in ``[low, high]`` (``high`` may be a setting)."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
        top = high() if callable(high) else high
        if not low <= value <= top:
            raise argparse.ArgumentTypeError(
                f"expected a whole number from {low} to {top:,}, got {text!r}"
            )
        return value

    parse.__name__ = "whole number"
    return parse


def max_vehicles() -> int:
    """Return the configured vehicle limit (:data:`mobility.settings.max_vehicles`)."""
    return settings.max_vehicles


def max_alternatives() -> int:
    """Return the configured limit on route alternatives."""
    return settings.max_alternatives
