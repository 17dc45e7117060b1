"""Movement scenarios: requests, closures, capacities and objective weights (YAML).

A scenario file is loaded safely (no code execution) and validated field by
field; every error names the file, the entry and the expected form. Places
and vehicle types are checked against the network and the catalogue when a
plan is built (:mod:`mobility.schedule.instance`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Literal

from mobility import settings
from mobility.errors import ScenarioError
from mobility.model import _fields
from mobility.model._yaml import build_checked, read_yaml
from mobility.model.clock import LOCAL_TIME

#: Times outside these years are refused (far dates overflow date arithmetic).
MIN_YEAR, MAX_YEAR = _fields.MIN_YEAR, _fields.MAX_YEAR
#: Longest planning horizon, hours (90 days).
MAX_HORIZON_H = 2160
MODES = ("road", "rail", "any")
OBJECTIVE_MODES = ("weighted", "lexicographic")
FORMATIONS = ("close", "open", "extended")
Mode = Literal["road", "rail", "any"]


def _error(where: str, message: str) -> ScenarioError:
    return ScenarioError(f"{where}: {message}")


def _require(raw: Mapping[str, Any], key: str, where: str) -> Any:
    return _fields.require(raw, key, where, ScenarioError)


def _time(value: Any, where: str) -> datetime:
    """Return an ISO 8601 time with offset (YAML may already have parsed it)."""
    return _fields.moment(value, where, ScenarioError)


def _number(value: Any, where: str, minimum: float | None = None, maximum: float = 1e12) -> float:
    return _fields.number(value, where, minimum=minimum, maximum=maximum, error=ScenarioError)


def _count(value: Any, where: str, maximum: int | None = None) -> int:
    top = settings.max_vehicles if maximum is None else maximum
    if isinstance(value, int) and not isinstance(value, bool) and value > top:
        limit = " (MOBILITY_MAX_VEHICLES)" if maximum is None else ""
        raise _error(where, f"expected a whole number from 0 to {top:,}{limit}, got {value!r}")
    return _fields.whole(value, where, minimum=0, error=ScenarioError)


@dataclass(frozen=True)
class Request:
    """A unit's movement request.

    Attributes
    ----------
    id, unit
        Request id and the moving unit's name.
    origin, destination
        Place names or ids.
    available_from, required_by
        Release (hard) and due time (soft, lateness is penalised).
    priority
        1 (highest) to 5 (lowest); weights lateness by ``6 - priority``.
    vehicles
        Vehicle type (id or name) to count.
    mode
        ``road``, ``rail`` or ``any``.
    hazmat
        Extra dangerous goods declared for the whole request (ADR class or code).
    """

    id: str
    unit: str
    origin: str
    destination: str
    available_from: datetime
    required_by: datetime
    priority: int
    vehicles: Mapping[str, int]
    mode: Mode = "road"
    hazmat: str = ""

    def __post_init__(self) -> None:
        where = f"request {self.id!r}"
        for name in ("id", "unit", "origin", "destination"):
            _fields.text(getattr(self, name), f"{where} {name}", ScenarioError)
        release = _time(self.available_from, f"{where} available_from")
        if _time(self.required_by, f"{where} required_by") <= release:
            raise _error(where, "required_by must be after available_from")
        _fields.whole(self.priority, f"{where} priority", minimum=1, maximum=5, error=ScenarioError)
        if not isinstance(self.vehicles, Mapping) or not self.vehicles:
            raise _error(f"{where} vehicles", "expected a mapping of vehicle type to count")
        for key, count in self.vehicles.items():
            _count(count, f"{where} vehicles {key}")
        if sum(self.vehicles.values()) == 0:
            raise _error(f"{where} vehicles", "expected at least one vehicle")
        _fields.choice(self.mode, MODES, f"{where} mode", ScenarioError)
        if not isinstance(self.hazmat, str):
            raise _error(f"{where} hazmat", f"expected an ADR class or code, got {self.hazmat!r}")

    @property
    def vehicle_count(self) -> int:
        """Number of vehicles."""
        return sum(self.vehicles.values())

    @property
    def lateness_weight(self) -> int:
        """Weight of a minute of lateness: 5 for priority 1 down to 1 for priority 5."""
        return 6 - self.priority


@dataclass(frozen=True)
class Closure:
    """An element closed during a time window.

    Attributes
    ----------
    element
        Name, ref or OSM way id of the closed element (bridge, tunnel, road, place).
    start, end
        The closed window.
    reason
        Free text.
    """

    element: str
    start: datetime
    end: datetime
    reason: str = ""

    def __post_init__(self) -> None:
        where = f"closure of {self.element!r}"
        _fields.text(self.element, f"{where} element", ScenarioError)
        if _time(self.end, f"{where} to") <= _time(self.start, f"{where} from"):
            raise _error(where, "'to' must be after 'from'")


@dataclass(frozen=True)
class Capacities:
    """Capacities of the shared resources (defaults are labelled assumptions).

    Attributes
    ----------
    structure_columns
        Columns at once on a bridge or in a tunnel (movement credit).
    checkpoint_columns
        Columns at once passing another checkpoint (junctions): road space.
    border_columns
        Columns at once at a border crossing.
    port_exit_vehicles_per_hour
        Vehicles per hour through each port's gate (by place id or name; key
        ``default`` for the others).
    border_windows
        Acceptance windows per border crossing, as ``(from_min, to_min)``
        clock minutes in local time (``default`` for the others; a window
        may wrap midnight).
    support_centres
        Capacity overrides ``{place: {vehicles_parked: n, vehicles_overnight: n}}``.
    """

    structure_columns: int = 1
    checkpoint_columns: int = 2
    border_columns: int = 2
    port_exit_vehicles_per_hour: Mapping[str, float] = field(
        default_factory=lambda: {"default": 150.0}
    )
    border_windows: Mapping[str, tuple[tuple[int, int], ...]] = field(
        default_factory=lambda: {"default": ((0, 1440),)}
    )
    support_centres: Mapping[str, Mapping[str, int]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name in ("structure_columns", "checkpoint_columns", "border_columns"):
            _fields.whole(getattr(self, name), f"capacities {name}", minimum=1, error=ScenarioError)
        for key, rate in self.port_exit_vehicles_per_hour.items():
            _number(rate, f"capacities port_exit_vehicles_per_hour {key}", 1)
        for key, windows in self.border_windows.items():
            if not windows:
                raise _error(f"capacities border_windows {key}", "expected at least one window")
            for window in windows:
                _fields.check_window(window, f"capacities border_windows {key}", ScenarioError)
        for key, values in self.support_centres.items():
            for name, value in values.items():
                _count(value, f"capacities support_centres {key} {name}")

    def port_rate(self, *keys: str) -> float:
        """Return the gate rate of a port, looked up by its id or name."""
        for key in keys:
            if key in self.port_exit_vehicles_per_hour:
                return self.port_exit_vehicles_per_hour[key]
        return self.port_exit_vehicles_per_hour.get("default", 150.0)

    def windows(self, *keys: str) -> tuple[tuple[int, int], ...]:
        """Return the acceptance windows of a border crossing, looked up by id or name."""
        for key in keys:
            if key in self.border_windows:
                return self.border_windows[key]
        return self.border_windows.get("default", ((0, 1440),))


@dataclass(frozen=True)
class Weights:
    """Objective weights.

    Attributes
    ----------
    lateness_per_min
        Cost of one minute of lateness of a priority-5 request (times the
        request's lateness weight).
    disruption_per_vehicle_hour
        Cost of one civilian vehicle-hour of delay.
    makespan_per_min
        Cost of one minute of the plan's makespan (0: ignored).
    mode
        ``weighted`` (one weighted sum) or ``lexicographic`` (least lateness
        first, then least disruption among those plans).
    """

    lateness_per_min: float = 10.0
    disruption_per_vehicle_hour: float = 1.0
    makespan_per_min: float = 0.0
    mode: str = "weighted"

    def __post_init__(self) -> None:
        for name in ("lateness_per_min", "disruption_per_vehicle_hour", "makespan_per_min"):
            _number(getattr(self, name), f"weights {name}", 0)
        _fields.choice(self.mode, OBJECTIVE_MODES, "weights mode", ScenarioError)


@dataclass(frozen=True)
class Scenario:
    """A movement scenario.

    Attributes
    ----------
    name
        Scenario name.
    start, horizon_h
        Start of the planning horizon and its length.
    slot_min
        Start times of march units are multiples of this many minutes after
        ``start`` (the solver's times are whole minutes).
    requests, closures, capacities, weights
        See the classes.
    march_unit_max, march_unit_min, formation
        Column organisation (see :class:`~mobility.model.column.ColumnRules`).
    k_routes
        Route alternatives offered to each march unit.
    source
        Path of the file, for messages.
    """

    name: str
    start: datetime
    horizon_h: float
    requests: tuple[Request, ...]
    closures: tuple[Closure, ...] = ()
    capacities: Capacities = field(default_factory=Capacities)
    weights: Weights = field(default_factory=Weights)
    slot_min: int = 15
    march_unit_max: int = 25
    march_unit_min: int = 10
    formation: str = "open"
    k_routes: int = 3
    source: str = ""

    def __post_init__(self) -> None:
        where = f"scenario {self.name!r}"
        _time(self.start, f"{where} start")
        if not isinstance(self.start.tzinfo, timezone):
            # A zone such as ZoneInfo("Europe/Amsterdam") adds hours on the wall
            # clock, an hour off across a clock change: keep its offset at the start.
            fixed = self.start.astimezone(timezone(self.start.utcoffset() or timedelta(0)))
            object.__setattr__(self, "start", fixed)
        _number(self.horizon_h, f"{where} horizon_h", 1)
        # No request at all is allowed here (a stress test may strand them all).
        ids = [r.id for r in self.requests]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise _error(where, f"request id {duplicates[0]!r} appears twice")
        _fields.whole(
            self.slot_min, f"{where} slot_min", minimum=1, maximum=120, error=ScenarioError
        )
        _fields.whole(
            self.k_routes, f"{where} k_routes", minimum=1, maximum=10, error=ScenarioError
        )
        smallest = _fields.whole(
            self.march_unit_min, f"{where} column march_unit_min", minimum=1, error=ScenarioError
        )
        _fields.whole(
            self.march_unit_max,
            f"{where} column march_unit_max",
            minimum=smallest,
            error=ScenarioError,
        )
        _fields.choice(self.formation, FORMATIONS, f"{where} column formation", ScenarioError)

    @property
    def end(self) -> datetime:
        """End of the planning horizon."""
        return self.start + timedelta(hours=self.horizon_h)

    def minutes(self, moment: datetime) -> int:
        """Whole minutes from the horizon start to ``moment`` (rounded down)."""
        return int((moment - self.start).total_seconds() // 60)


def _windows(raw: Any, where: str) -> tuple[tuple[int, int], ...]:
    return _fields.windows(raw, where, ScenarioError)


def _capacities(raw: Any, where: str) -> Capacities:
    if raw is None:
        return Capacities()
    if not isinstance(raw, Mapping):
        raise _error(where, "expected a mapping")
    known = {
        "structure_columns",
        "checkpoint_columns",
        "border_columns",
        "port_exit_vehicles_per_hour",
        "border_windows",
        "support_centres",
    }
    unknown = sorted(set(raw) - known)
    if unknown:
        raise _error(
            where, f"unknown field {unknown[0]!r}; expected one of {', '.join(sorted(known))}"
        )
    defaults = Capacities()
    columns = {}
    for key in ("structure_columns", "checkpoint_columns", "border_columns"):
        value = raw.get(key, getattr(defaults, key))
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise _error(f"{where} {key}", f"expected a whole number >= 1, got {value!r}")
        columns[key] = value
    rates = dict(defaults.port_exit_vehicles_per_hour)
    for key, value in (raw.get("port_exit_vehicles_per_hour") or {}).items():
        rates[str(key)] = _number(value, f"{where} port_exit_vehicles_per_hour {key}", 1)
    windows = dict(defaults.border_windows)
    for key, value in (raw.get("border_windows") or {}).items():
        windows[str(key)] = _windows(value, f"{where} border_windows {key}")
    centres: dict[str, dict[str, int]] = {}
    for key, value in (raw.get("support_centres") or {}).items():
        if not isinstance(value, Mapping):
            raise _error(f"{where} support_centres {key}", "expected a mapping")
        centres[str(key)] = {
            name: _count(value[name], f"{where} support_centres {key} {name}")
            for name in ("vehicles_parked", "vehicles_overnight")
            if name in value
        }
    return Capacities(
        structure_columns=columns["structure_columns"],
        checkpoint_columns=columns["checkpoint_columns"],
        border_columns=columns["border_columns"],
        port_exit_vehicles_per_hour=rates,
        border_windows=windows,
        support_centres=centres,
    )


def _weights(raw: Any, where: str) -> Weights:
    if raw is None:
        return Weights()
    if not isinstance(raw, Mapping):
        raise _error(where, "expected a mapping")
    defaults = Weights()
    mode = str(raw.get("mode", defaults.mode))
    if mode not in OBJECTIVE_MODES:
        raise _error(f"{where} mode", f"{mode!r} is not one of {', '.join(OBJECTIVE_MODES)}")
    return Weights(
        lateness_per_min=_number(
            raw.get("lateness_per_min", defaults.lateness_per_min), f"{where} lateness_per_min", 0
        ),
        disruption_per_vehicle_hour=_number(
            raw.get("disruption_per_vehicle_hour", defaults.disruption_per_vehicle_hour),
            f"{where} disruption_per_vehicle_hour",
            0,
        ),
        makespan_per_min=_number(
            raw.get("makespan_per_min", defaults.makespan_per_min), f"{where} makespan_per_min", 0
        ),
        mode=mode,
    )


def _request(raw: Any, where: str, start: datetime, end: datetime) -> Request:
    if not isinstance(raw, Mapping):
        raise _error(where, "expected a mapping")
    request_id = str(_require(raw, "id", where))
    where = f"request {request_id!r}"
    available = _time(_require(raw, "available_from", where), f"{where} available_from")
    required = _time(_require(raw, "required_by", where), f"{where} required_by")
    for name, moment in (("available_from", available), ("required_by", required)):
        if not start <= moment <= end:
            raise _error(
                f"{where} {name}",
                f"{moment.isoformat()} is outside the horizon "
                f"{start.isoformat()} .. {end.isoformat()}",
            )
    if required <= available:
        raise _error(where, "required_by must be after available_from")
    priority = raw.get("priority", 3)
    if isinstance(priority, bool) or not isinstance(priority, int) or not 1 <= priority <= 5:
        raise _error(f"{where} priority", f"expected a whole number 1..5, got {priority!r}")
    vehicles_raw = _require(raw, "vehicles", where)
    if not isinstance(vehicles_raw, Mapping) or not vehicles_raw:
        raise _error(f"{where} vehicles", "expected a mapping of vehicle type to count")
    vehicles = {str(k): _count(v, f"{where} vehicles {k}") for k, v in vehicles_raw.items()}
    if sum(vehicles.values()) == 0:
        raise _error(f"{where} vehicles", "expected at least one vehicle")
    mode = str(raw.get("mode", "road"))
    if mode not in MODES:
        raise _error(f"{where} mode", f"{mode!r} is not one of {', '.join(MODES)}")
    return Request(
        id=request_id,
        unit=str(_require(raw, "unit", where)),
        origin=str(_require(raw, "origin", where)),
        destination=str(_require(raw, "destination", where)),
        available_from=available,
        required_by=required,
        priority=priority,
        vehicles=vehicles,
        mode=mode,  # type: ignore[arg-type]
        hazmat=str(raw.get("hazmat") or ""),
    )


def _requests(
    document: Mapping[str, Any], origin: str, start: datetime, end: datetime
) -> tuple[Request, ...]:
    """Return the scenario's requests: a list of at least one, ids unique, vehicles bounded."""
    raw_requests = _require(document, "requests", origin)
    if not isinstance(raw_requests, Sequence) or isinstance(raw_requests, str):
        raise _error(origin, "'requests' must be a list")
    requests = tuple(
        _request(raw, f"requests[{i}]", start, end) for i, raw in enumerate(raw_requests)
    )
    if not requests:
        raise _error(origin, "expected at least one request")
    ids = [r.id for r in requests]
    duplicates = sorted(i for i, n in Counter(ids).items() if n > 1)
    if duplicates:
        raise _error(origin, f"request id {duplicates[0]!r} appears twice")
    total = sum(r.vehicle_count for r in requests)
    if total > settings.max_vehicles:
        raise _error(
            f"{origin}: requests",
            f"{total:,} vehicles in all; at most {settings.max_vehicles:,} (MOBILITY_MAX_VEHICLES)",
        )
    return requests


def _closures(raw_closures: Any, start: datetime, end: datetime) -> tuple[Closure, ...]:
    """Return the closures; ``from`` and ``to`` default to the horizon's start and end."""
    closures = []
    for index, raw in enumerate(raw_closures or []):
        where = f"closures[{index}]"
        if not isinstance(raw, Mapping):
            raise _error(where, "expected a mapping")
        closure = Closure(
            element=str(_require(raw, "element", where)),
            start=_time(raw.get("from", start.isoformat()), f"{where} from"),
            end=_time(raw.get("to", end.isoformat()), f"{where} to"),
            reason=str(raw.get("reason") or ""),
        )
        if closure.end <= closure.start:
            raise _error(where, "'to' must be after 'from'")
        closures.append(closure)
    return tuple(closures)


def _organisation(document: Mapping[str, Any], origin: str) -> dict[str, Any]:
    """Return the scenario's start grid, route alternatives and ``column`` settings (fields)."""
    column = document.get("column") or {}
    if not isinstance(column, Mapping):
        raise _error(f"{origin}: column", "expected a mapping")
    slot = document.get("slot_min", 15)
    if isinstance(slot, bool) or not isinstance(slot, int) or not 1 <= slot <= 120:
        raise _error(f"{origin}: slot_min", f"expected a whole number 1..120, got {slot!r}")
    k_routes = document.get("k_routes", 3)
    if isinstance(k_routes, bool) or not isinstance(k_routes, int) or not 1 <= k_routes <= 10:
        raise _error(f"{origin}: k_routes", f"expected a whole number 1..10, got {k_routes!r}")
    formation = str(column.get("formation", "open"))
    if formation not in ("close", "open", "extended"):
        raise _error(f"{origin}: column formation", f"{formation!r} is not close, open or extended")
    unit_max = _count(column.get("march_unit_max", 25), "column march_unit_max", 1000)
    unit_min = _count(column.get("march_unit_min", 10), "column march_unit_min", 1000)
    if not 1 <= unit_min <= unit_max:
        raise _error(
            f"{origin}: column",
            f"expected 1 <= march_unit_min <= march_unit_max, got {unit_min} and {unit_max}",
        )
    return {
        "slot_min": slot,
        "march_unit_max": unit_max,
        "march_unit_min": unit_min,
        "formation": formation,
        "k_routes": k_routes,
    }


def scenario_from_dict(
    document: Any, origin: str = "<dict>", *, max_horizon_h: float = MAX_HORIZON_H
) -> Scenario:
    """Build a :class:`Scenario` from a parsed YAML document.

    ``max_horizon_h`` bounds ``horizon_h`` (default 90 days).

    Raises
    ------
    ScenarioError
        Naming the file, the entry and the field, on any invalid value.
    """
    if not isinstance(document, Mapping):
        raise ScenarioError(f"{origin}: expected a mapping with 'name', 'start', 'requests'")
    try:
        start = _time(_require(document, "start", origin), f"{origin}: start")
        horizon_h = _number(
            _require(document, "horizon_h", origin), f"{origin}: horizon_h", 1, max_horizon_h
        )
        end = start + timedelta(hours=horizon_h)
        requests = _requests(document, origin, start, end)
        closures = _closures(document.get("closures"), start, end)
        organisation = _organisation(document, origin)
        return Scenario(
            name=str(document.get("name") or Path(origin).stem),
            start=start,
            horizon_h=horizon_h,
            requests=requests,
            closures=closures,
            capacities=_capacities(document.get("capacities"), "capacities"),
            weights=_weights(document.get("weights"), "weights"),
            **organisation,
            source=origin,
        )
    except ScenarioError as error:
        message = str(error)
        if not message.startswith(origin):
            raise ScenarioError(f"{origin}: {message}") from None
        raise


def default_scenario_path() -> Path:
    """Path of the embedded example scenario (shipped in the package's data folder)."""
    return settings.data_dir / "scenarios" / "armoured-brigade.yaml"


def load_scenario(path: str | Path | None = None) -> Scenario:
    """Load and validate a scenario file (safe YAML; no code execution).

    Raises
    ------
    ScenarioError
        If the file is missing, not YAML, or invalid.
    """
    path = Path(path) if path is not None else default_scenario_path()
    try:
        document = read_yaml(path, "scenario file")
        return build_checked(scenario_from_dict, document, str(path), "scenario file")
    except Exception as error:  # DataError from the reader, re-raised as a scenario error
        if isinstance(error, ScenarioError):
            raise
        raise ScenarioError(str(error)) from None


def local_clock_min(moment: datetime) -> int:
    """Minutes after local (Europe/Amsterdam) midnight."""
    local = moment.astimezone(LOCAL_TIME)
    return local.hour * 60 + local.minute


def in_windows(clock_min: int, windows: Sequence[tuple[int, int]]) -> bool:
    """Whether a local clock time lies in one of the windows (which may wrap midnight)."""
    for start, end in windows:
        if start <= end:
            if start <= clock_min < end:
                return True
        elif clock_min >= start or clock_min < end:
            return True
    return False


__all__ = ["Capacities", "Closure", "Request", "Scenario", "Weights", "load_scenario"]
