"""The independent plan validator (see :mod:`mobility.validation.check`)."""

from mobility.validation.check import Violation, validate_plan

__all__ = ["Violation", "validate_plan"]
