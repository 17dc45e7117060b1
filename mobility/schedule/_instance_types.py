"""The types of a scheduling instance: resources, route options, tasks, the instance.

The solver's time unit is the **minute** after the scenario start; start
times are multiples of ``slot_min`` minutes (see :mod:`mobility.schedule.instance`,
which builds an :class:`Instance` from a scenario).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np
from numpy.typing import NDArray

from mobility.model.column import MarchUnit
from mobility.model.scenario import Request, Scenario
from mobility.rail.leg import RailLeg
from mobility.rail.rules import RailRules
from mobility.routing.router import Route
from mobility.schedule.moving_bottleneck import Clock
from mobility.schedule.road_costs import RoadCosts
from mobility.traffic.gtfs import RailTimetable

#: Disruption is kept in the solver as whole hundredths of a vehicle-hour.
DISRUPTION_SCALE = 100


@dataclass(frozen=True)
class Resource:
    """A shared resource of the plan.

    Attributes
    ----------
    id
        ``<kind>:<key>``, e.g. ``structure:9001`` or ``csc:csc-oirschot``.
    kind
        ``structure``, ``border``, ``junction``, ``port``, ``csc`` or ``csc_night``.
    name
        Human name.
    capacity
        Columns (or, for support centres, vehicles) at once.
    windows
        Local clock windows in which a column may arrive (border crossings).
    """

    id: str
    kind: str
    name: str
    capacity: int
    windows: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True)
class Use:
    """A route option's occupation of a resource, as minute offsets from its start."""

    resource: str
    start_min: int
    end_min: int
    demand: int


@dataclass(frozen=True)
class Option:
    """One route alternative of a march unit.

    Attributes
    ----------
    route
        The routed alternative (its schedule starts at the scenario start).
    uses
        Resource occupations.
    arrive_min, clear_min
        Offsets of the head's arrival and the tail's clearance at the destination.
    allowed
        Start slots allowed by closures, windows, release and horizon.
    disruption
        Civilian delay in hundredths of a vehicle-hour for a start in each slot.
    peak_column_min
        Column-minutes in weekday peak hours for a start in each slot.
    rail
        For a train: its terminal, consist, path and timing; ``route`` is
        then the road leg to the terminal (``None`` for a transfer inside
        the port or camp).
    closure_spans
        Per closed element (casefolded text) the route meets, the minute
        offsets in which it occupies it (the validator re-checks these).
    parts
        For a serial of march units that moves as one task (a train-load
        by road): each march unit with its own option on the same route and
        its start offset; the option's uses, costs and times are theirs
        together (:mod:`mobility.schedule._serial_options`).
    """

    route: Route | None
    uses: tuple[Use, ...]
    arrive_min: int
    clear_min: int
    allowed: NDArray[np.bool_]
    disruption: NDArray[np.int64]
    peak_column_min: NDArray[np.int64]
    rail: RailLeg | None = None
    pass_h: NDArray[np.float64] | None = None
    closure_spans: tuple[tuple[str, int, int], ...] = ()
    parts: tuple[SerialPart, ...] = ()


@dataclass(frozen=True)
class SerialPart:
    """One march unit of a serial option: its own option, started ``offset_min`` after the serial.

    ``offset_min`` is a whole number of start slots.
    """

    march_unit: MarchUnit
    option: Option
    offset_min: int


@dataclass(frozen=True)
class Task:
    """A march unit to schedule.

    Attributes
    ----------
    id
        ``<request id>/<march unit id>``.
    request
        Its movement request.
    march_unit
        Its vehicles, as they move.
    release_min, due_min
        Earliest start and due arrival (minutes).
    options
        Route alternatives (at least one has an allowed slot).
    """

    id: str
    request: Request
    march_unit: MarchUnit
    release_min: int
    due_min: int
    options: tuple[Option, ...]

    @property
    def vehicles(self) -> int:
        """Number of vehicles."""
        return self.march_unit.count


@dataclass(frozen=True)
class Unplannable:
    """A request, or part of one, that no option can serve, and why.

    ``vehicles`` and ``march_units`` count what it leaves unplanned, so that
    the plan's figures count against what was requested.
    """

    request: str
    reason: str
    vehicles: int = 0
    march_units: int = 1


@dataclass
class Instance:
    """Everything the schedulers need, in solver units (minutes, slots).

    Attributes
    ----------
    scenario
        The scenario.
    tasks
        March units to schedule.
    resources
        Shared resources by id.
    n_slots, slot_min, horizon_min
        The start-time grid.
    unplannable
        Requests (or parts) without any option, with the reason.
    rail_rules
        The rail rules used, when some request may go by rail.
    road_costs, hour_clock
        Civilian cost tables of road options and the local clock of the horizon.
    rail_timetable
        The passenger timetable laid on the rail graph, when one was given.
    """

    scenario: Scenario
    tasks: list[Task]
    resources: dict[str, Resource]
    n_slots: int
    slot_min: int
    horizon_min: int
    unplannable: list[Unplannable] = field(default_factory=list)
    rail_rules: RailRules | None = None
    road_costs: RoadCosts | None = None
    hour_clock: Clock | None = None
    rail_timetable: RailTimetable | None = None
    #: The plan folder's input files (:func:`mobility.validation.inputs.record_inputs`).
    input_files: dict[str, bytes] = field(default_factory=dict)

    def time(self, minutes: float) -> datetime:
        """Wall-clock time of a solver minute."""
        return self.scenario.start + timedelta(minutes=float(minutes))


__all__ = [
    "DISRUPTION_SCALE",
    "Instance",
    "Option",
    "Resource",
    "SerialPart",
    "Task",
    "Unplannable",
    "Use",
]
