"""A serial of march units as one road option: a train-load that goes by road.

A train-load is one task (it goes by rail or by road as a whole), but on the
road it moves as every other road movement does: in march units of at most
``march_unit_max`` vehicles, one after another on the same route. Each march
unit gets its own schedule on the serial's route
(:meth:`~mobility.routing.router.Router.reschedule`) and its own option; the
next one starts a whole number of start slots later, once the one before has
left every structure, junction, border crossing and port gate they share, so
that no two march units of the serial are ever on a single-column resource
together. The serial's option holds the march units as
:attr:`~mobility.schedule.instance.Option.parts` and their uses, costs and
times together.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

from mobility.model.column import Column, MarchUnit, Serial
from mobility.routing.router import Route, Router
from mobility.schedule._instance_types import Option, SerialPart, Use
from mobility.schedule._road_options import OptionContext, make_option

#: Resources a march unit holds alone (capacities in columns); support
#: centres count vehicles and are shared.
_COLUMN_KINDS = ("structure:", "junction:", "border:", "port:")


def _shifted(values: NDArray[np.int64], slots: int) -> NDArray[np.int64]:
    """``values`` read ``slots`` later (zero past the end)."""
    out = np.zeros_like(values)
    if slots < len(values):
        out[: len(values) - slots] = values[slots:]
    return out


def _offset_min(before: Option, before_min: int, option: Option, slot_min: int) -> int:
    """Earliest start (whole slots) after which ``option`` meets no resource ``before`` holds."""
    held = {u.resource: u for u in before.uses if u.resource.startswith(_COLUMN_KINDS)}
    need = before_min + 1
    for use in option.uses:
        other = held.get(use.resource)
        if other is not None:
            need = max(need, before_min + other.end_min - use.start_min)
    return math.ceil(need / slot_min) * slot_min


def _uses(parts: list[SerialPart]) -> tuple[Use, ...]:
    """One use per resource: from the first march unit's arrival to the last one's leaving.

    Support centres add their march units' vehicles (they may overlap there).
    """
    spans: dict[str, Use] = {}
    for part in parts:
        for use in part.option.uses:
            begin, end = use.start_min + part.offset_min, use.end_min + part.offset_min
            old = spans.get(use.resource)
            if old is None:
                spans[use.resource] = Use(use.resource, begin, end, use.demand)
                continue
            shared = use.resource.startswith(_COLUMN_KINDS)
            demand = max(old.demand, use.demand) if shared else old.demand + use.demand
            spans[use.resource] = Use(
                use.resource, min(old.start_min, begin), max(old.end_min, end), demand
            )
    return tuple(spans.values())


def serial_option(
    context: OptionContext,
    router: Router,
    route: Route,
    column: Column,
    origin_id: str,
    destination_id: str,
    release_min: int,
) -> tuple[Option | None, str]:
    """Return the option of ``column``'s march units one after another on ``route``.

    Returns ``(None, reason)`` when a march unit has no usable start.
    """
    slot_min = context.scenario.slot_min
    parts: list[SerialPart] = []
    for unit in column.march_units:
        alone = Column(
            unit=f"{column.unit} {unit.id}", serials=(Serial("1", (unit,)),), rules=column.rules
        )
        option, reason = make_option(
            context, router.reschedule(route, alone), origin_id, destination_id, unit, release_min
        )
        if option is None:
            return None, f"march unit {unit.id}: {reason}"
        offset = 0
        if parts:
            offset = _offset_min(
                before=parts[-1].option,
                before_min=parts[-1].offset_min,
                option=option,
                slot_min=slot_min,
            )
        parts.append(SerialPart(MarchUnit(unit.id, unit.vehicles), option, offset))
    allowed = np.ones(len(context.slot_starts), dtype=bool)
    disruption = np.zeros(len(context.slot_starts), dtype=np.int64)
    peak = np.zeros(len(context.slot_starts), dtype=np.int64)
    for part in parts:
        shift = part.offset_min // slot_min
        allowed &= _shifted(part.option.allowed.astype(np.int64), shift).astype(bool)
        disruption += _shifted(part.option.disruption, shift)
        peak += _shifted(part.option.peak_column_min, shift)
    if not allowed.any():
        return None, "no start lets every march unit of the serial move"
    spans: dict[str, tuple[int, int]] = {}
    for part in parts:
        for text, begin, end in part.option.closure_spans:
            low, high = spans.get(text, (begin + part.offset_min, end + part.offset_min))
            spans[text] = (min(low, begin + part.offset_min), max(high, end + part.offset_min))
    first, last = parts[0], parts[-1]
    pass_h = [p.option.pass_h for p in parts if p.option.pass_h is not None]
    return (
        Option(
            route=first.option.route,
            uses=_uses(parts),
            arrive_min=first.option.arrive_min,
            clear_min=last.offset_min + last.option.clear_min,
            allowed=allowed,
            disruption=np.where(allowed, disruption, 0),
            peak_column_min=peak,
            pass_h=np.sum(pass_h, axis=0) if pass_h else None,
            closure_spans=tuple((text, *span) for text, span in spans.items()),
            parts=tuple(parts),
        ),
        "",
    )


__all__ = ["serial_option"]
