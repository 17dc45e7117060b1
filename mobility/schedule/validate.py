"""The independent plan validator, kept importable here: see :mod:`mobility.validation`."""

from mobility.validation.check import Violation, validate_plan

__all__ = ["Violation", "validate_plan"]
