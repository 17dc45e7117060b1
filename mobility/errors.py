"""Errors raised by mobility.

Every message names the offending input and what was expected, so that a
planner can fix the input without reading code.
"""

from __future__ import annotations


class MobilityError(Exception):
    """Base class of all errors raised on purpose by mobility."""


class DataError(MobilityError, ValueError):
    """An input file or data set is missing, malformed or unusable."""


class ScenarioError(MobilityError, ValueError):
    """A scenario or configuration value is invalid."""


class InfeasibleError(MobilityError, RuntimeError):
    """No plan or route satisfies the constraints."""


class FetchError(MobilityError, ConnectionError):
    """An explicit download failed (offline, refused or timed out)."""


class OutputError(MobilityError, OSError):
    """An output location cannot be written safely (not ours, wrong kind, read-only, full)."""
