"""The planner's own check: a plan is validated before anyone is shown it.

:func:`check_plan` writes the plan's files to a temporary folder and runs the
independent validator (:func:`~mobility.validation.validate_plan`) on
them, exactly as ``mobility validate`` would on the plan folder; or, given
the folder of files that are about to be moved into place, it checks those.
:func:`record_validity` writes the outcome into the summary (``valid`` and
``violations``); a plan folder with violations also holds
:data:`INVALID_FILE`, listing them, so that nobody issues it.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mobility.schedule.plan_files import write_plan as write_plan_files
from mobility.validation.check import Violation, validate_plan

if TYPE_CHECKING:
    from mobility.network.load import Network
    from mobility.schedule.plan import Plan

#: The file that marks a plan folder whose plan failed its own check.
INVALID_FILE = "INVALID.txt"

#: Exit status of ``mobility plan`` when the plan it wrote fails validation
#: (2 is bad input, 1 a failed ``mobility validate``).
INVALID_EXIT = 3


def check_plan(
    plan: Plan, network: Network | None = None, *, folder: str | Path | None = None
) -> list[Violation]:
    """Validate a plan as written, without writing it where a user would look.

    ``network`` is the network the plan was made on, if at hand: the validator
    then checks it was loaded the recorded way instead of loading it again.
    ``folder`` holds the plan's files as written (a plan folder staged but
    not yet in place, see :func:`mobility.planning.write_plan`); without it
    they are written to a temporary folder.
    """
    given = network if network is not None and network.load_args is not None else None
    if folder is not None:
        return validate_plan(folder, network=given)
    with tempfile.TemporaryDirectory(prefix="mobility-check-") as tmp:
        written = write_plan_files(plan, Path(tmp) / "plan")
        return validate_plan(written, network=given)


def record_validity(summary: dict[str, Any], violations: Sequence[Violation]) -> None:
    """Write ``valid`` and the ``violations`` (rule, movement, message) into a summary."""
    summary["valid"] = not violations
    summary["violations"] = [
        {"rule": v.rule, "movement": v.movement, "message": v.message} for v in violations
    ]


def invalid_text(scenario: str, violations: Sequence[Violation]) -> str:
    """Return the content of :data:`INVALID_FILE` for a plan with violations."""
    lines = [
        f"INVALID PLAN: {scenario} fails its own check with {len(violations)} violations.",
        "Do not issue it. Violations (rule, movement, what is wrong):",
        *(f"- {v}" for v in violations),
    ]
    return "\n".join(lines) + "\n"


__all__ = ["INVALID_EXIT", "INVALID_FILE", "check_plan", "invalid_text", "record_validity"]
