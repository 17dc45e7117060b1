"""The main job as library calls: a planned scenario written as a plan folder with its map.

``mobility plan`` is :func:`~mobility.schedule.planner.plan_scenario`, then
:func:`write_plan` (movement table, summary, constraints, utilisation,
routes, ``map.html``, ``gantt.png``, ``utilisation.png``), which checks
the folder with :func:`~mobility.validation.validate_plan` as staged,
before it is moved into place.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from mobility._forked import Forked, start_forked
from mobility.errors import ScenarioError
from mobility.network.load import Network
from mobility.schedule.plan import Plan
from mobility.schedule.plan_files import summary_text
from mobility.schedule.plan_files import write_plan as write_plan_files
from mobility.schedule.result import PlanResult
from mobility.validation.self_check import INVALID_FILE, check_plan, invalid_text, record_validity

if TYPE_CHECKING:
    from mobility.maps.outlines import Outlines
    from mobility.validation.check import Violation

logger = logging.getLogger(__name__)


def plan_folder_name(scenario: str) -> str:
    """Folder-safe name of a scenario (``out/plans/<name>`` by default)."""
    return "".join(c if c.isalnum() or c in "-_" else "-" for c in scenario.lower()).strip("-")


#: The files :func:`plan_map_files` returns.
_MAP_FILES = ("map.html", "gantt.png", "utilisation.png")


def plan_map_files(
    plan: Plan,
    network: Network,
    *,
    tiles_url: str | None = None,
    tiles_attribution: str | None = None,
    outlines: Outlines | None = None,
) -> dict[str, bytes]:
    """Return ``map.html``, ``gantt.png`` and ``utilisation.png`` of a plan.

    ``tiles_url`` and ``tiles_attribution``: an optional tile layer of the
    map; ``outlines``: optional province or municipality outlines (see
    :func:`mobility.maps.render.base_map`).
    """
    from mobility.maps import map_html, plan_view, render_plan_map
    from mobility.maps.charts import plan_charts

    view = plan_view(plan)
    fmap = render_plan_map(
        view,
        network,
        tiles_url=tiles_url,
        tiles_attribution=tiles_attribution,
        outlines=outlines,
    )
    return {
        "map.html": map_html(fmap).encode("utf-8"),
        **plan_charts(view),
    }


def write_plan(
    result: PlanResult | Plan,
    out_dir: str | Path | None = None,
    *,
    network: Network | None = None,
    maps: bool = True,
    validate: bool = True,
    tiles_url: str | None = None,
    tiles_attribution: str | None = None,
    outlines: Outlines | None = None,
) -> Path:
    """Write a plan folder atomically (replacing ``out_dir``) and return its path.

    The folder is written once, under a temporary name beside ``out_dir``;
    the plan is validated on those files
    (:func:`~mobility.validation.self_check.check_plan`), unless a
    :class:`PlanResult` was validated already; then its summary records
    ``valid`` and the ``violations``, a plan that fails its own check gets
    ``INVALID.txt`` listing them, its printout and map title start with
    ``INVALID``, and the folder is moved into place. :meth:`PlanResult.is_valid`
    (or ``summary["valid"]`` of a bare plan) tells a caller.

    Parameters
    ----------
    result
        What :func:`~mobility.plan_scenario` returned, or a bare plan.
    out_dir
        Target folder (default: ``out/plans/<scenario>`` under the current folder).
    network
        The map's background (default: the network of ``result``).
    maps
        Also write ``map.html``, ``gantt.png`` and ``utilisation.png``.
    validate
        Check the plan's files before moving them into place (leave on,
        except for a plan written to be checked elsewhere).
    tiles_url, tiles_attribution
        An optional tile layer of the map (``mobility plan --tiles``).
    outlines
        Optional province or municipality outlines on the map
        (:func:`~mobility.maps.outlines.read_outlines`, ``mobility plan --outlines``).

    Raises
    ------
    ScenarioError
        If ``maps`` is asked for a bare plan without a ``network``.
    """
    plan = result.plan if isinstance(result, PlanResult) else result
    if network is None and isinstance(result, PlanResult):
        network = result.network
    if maps and network is None:
        raise ScenarioError(
            f"plan {plan.scenario!r}: the map needs the network; pass network= or maps=False"
        )
    out = (
        Path(out_dir)
        if out_dir is not None
        else Path("out", "plans", plan_folder_name(plan.scenario))
    )

    tiles = {"tiles_url": tiles_url, "tiles_attribution": tiles_attribution}
    draw = None
    if maps and network is not None:
        draw = partial(plan_map_files, plan, network, outlines=outlines, **tiles)
    # The map is drawn in a child process (where there is a second core)
    # while the files are written and checked here; drawn again here only
    # if the check changes what the map shows (an invalid plan's title).
    drawn: Forked | None = None

    def finish(staged: Path) -> dict[str, bytes]:
        """Check the staged files, record the outcome, add the map (it shows it)."""
        return _checked_and_drawn(result, staged, validate, draw, drawn)

    names = {INVALID_FILE, *_MAP_FILES} if maps else {INVALID_FILE}
    try:
        if draw is not None:
            drawn = start_forked(partial(_drawn_as_valid, plan, draw, validate))
        return write_plan_files(plan, out, finish=finish, names=names)
    finally:
        if drawn is not None:
            drawn.cancel()


def _checked_and_drawn(
    result: PlanResult | Plan,
    staged: Path,
    validate: bool,
    draw: Callable[[], dict[str, bytes]] | None,
    drawn: Forked | None,
) -> dict[str, bytes]:
    """Return the files that the check of ``staged`` and the map add to the folder.

    The summary with the check's outcome (and ``INVALID.txt`` listing the
    violations), then the map files: the child's (``drawn``) for a valid
    plan, drawn here otherwise.
    """
    plan = result.plan if isinstance(result, PlanResult) else result
    extra: dict[str, bytes] = {}
    violations: list[Violation] = []
    if validate:
        violations = _check_staged(result, staged)
        extra["summary.json"] = summary_text(plan.summary).encode("utf-8")
        if violations:
            logger.warning(
                "plan %s fails its own check: %d violations", plan.scenario, len(violations)
            )
            extra[INVALID_FILE] = invalid_text(plan.scenario, violations).encode("utf-8")
    if draw is not None:
        logger.info("drawing the map and charts of %s", plan.scenario)
        if drawn is not None and not violations:
            extra.update(drawn.result())
            return extra
        if drawn is not None:
            drawn.cancel()  # it drew the map of a valid plan
        extra.update(draw())
    return extra


def _drawn_as_valid(
    plan: Plan, draw: Callable[[], dict[str, bytes]], validate: bool
) -> dict[str, bytes]:
    """Draw the map files as they are after a check that finds no violation (in the child).

    The map shows the check's outcome; the child draws it as the parent
    would for a valid plan, and the parent draws again should it not be.
    """
    if validate:
        record_validity(plan.summary, [])
    return draw()


def _check_staged(result: PlanResult | Plan, staged: Path) -> list[Violation]:
    """Validate the plan folder staged at ``staged``; record the outcome in the summary."""
    if isinstance(result, PlanResult):
        return result.validate(folder=staged)  # checked once; the outcome is kept
    violations = check_plan(result, folder=staged)
    record_validity(result.summary, violations)
    return violations


__all__ = ["plan_folder_name", "plan_map_files", "write_plan"]
