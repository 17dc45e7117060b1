"""A military train's path: line sections, traction, length limit and civilian cost.

A rail route from the router is cut into **sections**, runs of consecutive
edges of one line. Each section has the line's rules (maximum train length,
military paths per hour band, regular trains displaced). A train books one
path on every section; paths on a line are ``60 / paths_per_h`` minutes
apart in the band of the train's departure (the path is booked as a whole
when the train leaves, as infrastructure managers allocate paths).

Civilian cost of a section: of the regular trains running while the
military train and its headway occupy the line, the band's knock-on share
is delayed; passenger trains at the cost of
:func:`displaced_passenger_vh` each, freight
trains at ``freight_train_vh`` each. The passenger trains of a section in an
hour are counted from a GTFS timetable where one is given and covers the
section (:mod:`mobility.traffic.gtfs`); elsewhere they are the line's
assumed ``passenger_per_h`` spread by the hourly profile
(:func:`rail_path_cost_vh`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from mobility.rail.rules import LineRules, RailRules
from mobility.routing.router import Route
from mobility.traffic.profiles import default_traffic

if TYPE_CHECKING:
    from mobility.traffic.gtfs import RailTimetable

#: Source of the passenger trains of a section without a timetable.
ASSUMED_PASSENGER_SOURCE = "rail.yaml passenger_per_h (assumption) x hourly profile"


def rail_path_cost_vh(moment: datetime, passenger_trains_per_h: float = 4.0) -> float:
    """Delay equivalent of taking one rail path at ``moment``.

    A military train on a mixed line displaces the regular trains of its
    path; the cost is the trains displaced in that hour (scaled by the hourly
    profile against a flat day) times an assumed 300 passengers delayed 15
    minutes each, in vehicle-hour equivalents at 1.3 persons per car.
    """
    flat_share = 1 / 24
    trains = passenger_trains_per_h * default_traffic().hourly_share(moment) / flat_share
    return displaced_passenger_vh(trains)


def displaced_passenger_vh(trains: float) -> float:
    """Delay equivalent (veh-h) of ``trains`` passenger trains displaced in an hour.

    Assumption: 300 passengers per train delayed 15 minutes each, in
    vehicle-hour equivalents at 1.3 persons per car.
    """
    return trains * 300 * 0.25 / 1.3


@dataclass(frozen=True)
class Section:
    """A run of one line on a train's path, with offsets from the departure (s)."""

    line: str
    start: str
    end: str
    length_m: float
    enter_s: float
    leave_s: float
    maxspeed_kph: float
    electrified: bool
    rules: LineRules
    edges: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True)
class TrainPath:
    """The sections of a rail route and what they imply for the train."""

    route: Route
    sections: tuple[Section, ...]
    border_max_length_m: float | None = None

    @property
    def electrified(self) -> bool:
        """Whether every section has a contact line (else the train needs diesel)."""
        return all(s.electrified for s in self.sections)

    @property
    def traction(self) -> str:
        """``electric`` where the whole path is electrified, else ``diesel``."""
        return "electric" if self.electrified else "diesel"

    @property
    def max_length_m(self) -> float:
        """The shortest maximum train length of the lines on the path and its border crossing."""
        lengths = [s.rules.max_length_m for s in self.sections]
        if self.border_max_length_m is not None:
            lengths.append(self.border_max_length_m)
        return min(lengths)

    def bands(self) -> tuple[str, ...]:
        """Hour bands in which every section offers a military path."""
        return tuple(
            band
            for band in ("night", "day", "peak")
            if all(s.rules.headway_min(band) is not None for s in self.sections)
        )

    def cost_vh(
        self,
        departure: datetime,
        band: str,
        rules: RailRules,
        timetable: RailTimetable | None = None,
    ) -> float:
        """Civilian cost of the train's path for a departure at ``departure``."""
        return sum(cost for cost, _, _ in self.section_costs(departure, band, rules, timetable))

    def section_costs(
        self,
        departure: datetime,
        band: str,
        rules: RailRules,
        timetable: RailTimetable | None = None,
    ) -> list[tuple[float, float, str]]:
        """Per section: civilian cost (veh-h), passenger trains per hour, their source.

        The trains are counted in ``timetable`` where it covers the section,
        else the line's assumed rate; the source says which.
        """
        out = []
        for section in self.sections:
            headway = section.rules.headway_min(band) or 60
            occupied_h = (section.leave_s - section.enter_s) / 3600 + headway / 60
            moment = departure + timedelta(seconds=section.enter_s)
            if timetable is not None and timetable.covers(section.edges):
                trains: float = timetable.trains_per_h(section.edges, moment)
                passenger = displaced_passenger_vh(trains)
                source = timetable.source
            else:
                passenger = rail_path_cost_vh(moment, section.rules.passenger_per_h)
                trains, source = section.rules.passenger_per_h, ASSUMED_PASSENGER_SOURCE
            cost = (
                occupied_h
                * rules.knock_on_share[band]
                * (passenger + section.rules.freight_per_h * rules.freight_train_vh)
            )
            out.append((cost, trains, source))
        return out


def train_path(route: Route, rules: RailRules, border_id: str = "") -> TrainPath:
    """Cut a rail route into line sections.

    ``border_id`` names the rail border crossing the route ends at; its rule
    in the rail rules (``crossings``), if any, caps the train's length.
    """
    graph = route.graph
    names = {c.node: c.name for c in route.schedule.checkpoints}
    entries = route.edge_entry_s.tolist()
    sections: list[Section] = []
    current: dict[str, object] | None = None
    for edge, enter, seconds in zip(route.edges, entries, route.edge_times_s, strict=True):
        data = graph.edges[edge]
        line = str(data.get("name") or data.get("ref") or "unnamed line")
        u, v, _ = edge
        if current is None or current["line"] != line:
            if current is not None:
                sections.append(_section(current, rules))
            current = {
                "line": line,
                "start": names.get(u, str(u)),
                "length_m": 0.0,
                "enter_s": enter,
                "maxspeed": 0.0,
                "electrified": True,
                "edges": [],
            }
        current["end"] = names.get(v, str(v))
        current["length_m"] = float(current["length_m"]) + float(data.get("length_m", 0.0))  # type: ignore[arg-type]
        current["leave_s"] = enter + seconds
        speed_kph = float(data.get("maxspeed_kph") or 0.0)
        current["maxspeed"] = max(float(current["maxspeed"]), speed_kph)  # type: ignore[arg-type]
        current["electrified"] = bool(current["electrified"]) and bool(data.get("electrified"))
        current["edges"].append((u, v))  # type: ignore[attr-defined]
    if current is not None:
        sections.append(_section(current, rules))
    end = route.schedule.checkpoints[-1].name if route.schedule.checkpoints else ""
    crossing = rules.crossing(border_id, end) if border_id else None
    return TrainPath(route, tuple(sections), None if crossing is None else crossing.max_length_m)


def _section(raw: dict[str, object], rules: RailRules) -> Section:
    line = str(raw["line"])
    return Section(
        line=line,
        start=str(raw["start"]),
        end=str(raw["end"]),
        length_m=float(raw["length_m"]),  # type: ignore[arg-type]
        enter_s=float(raw["enter_s"]),  # type: ignore[arg-type]
        leave_s=float(raw["leave_s"]),  # type: ignore[arg-type]
        maxspeed_kph=float(raw["maxspeed"]),  # type: ignore[arg-type]
        electrified=bool(raw["electrified"]),
        rules=rules.line(line),
        edges=tuple(raw["edges"]),  # type: ignore[arg-type]
    )
