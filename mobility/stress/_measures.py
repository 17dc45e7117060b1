"""What a stress run measures: throughput with its minimum cut, and route changes.

:class:`Impact` is what :meth:`~mobility.stress.impact.StressContext.measure`
returns for one perturbation: corridor throughput per mode and vehicle class
(:class:`CorridorThroughput`, with the minimum cut as :class:`CutItem`) and,
per origin-destination pair and vehicle class, the fastest route before and
after (:class:`RouteChange`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class CutItem:
    """One element, gate or crossing of a minimum cut.

    Attributes
    ----------
    name
        Element description or place name.
    kind
        ``bridge``, ``tunnel``, ``road``, ``rail``, ``port`` (a source gate)
        or ``crossing`` (a sink).
    key
        ``way <id>`` or the place id.
    capacity_veh_per_day
        Capacity of its arcs in the cut.
    """

    name: str
    kind: str
    key: str
    capacity_veh_per_day: int


@dataclass(frozen=True)
class CorridorThroughput:
    """Throughput of one mode (or vehicle class) with its bottleneck.

    Attributes
    ----------
    key
        ``road``, ``rail`` or ``road/<vehicle id>``.
    vehicles_per_day
        Maximum flow under the perturbation.
    baseline_vehicles_per_day
        Maximum flow of the unperturbed network.
    cut
        The minimum cut, largest capacity first.
    """

    key: str
    vehicles_per_day: int
    baseline_vehicles_per_day: int
    cut: tuple[CutItem, ...]

    @property
    def loss_veh_per_day(self) -> int:
        """Vehicles a day lost against the baseline."""
        return self.baseline_vehicles_per_day - self.vehicles_per_day

    @property
    def share(self) -> float:
        """Throughput as a share of the baseline (1 where the baseline is 0)."""
        base = self.baseline_vehicles_per_day
        return self.vehicles_per_day / base if base else 1.0


@dataclass(frozen=True)
class RouteChange:
    """The fastest route of one pair and vehicle class, before and after.

    Attributes
    ----------
    mode, vehicle, origin, destination
        The pair (place ids) and the vehicle class.
    base_length_m, base_time_s
        Baseline (``None``: no route even without the perturbation).
    length_m, time_s
        Under the perturbation (``None``: stranded).
    reason
        Why it is stranded (empty otherwise).
    """

    mode: str
    vehicle: str
    origin: str
    destination: str
    base_length_m: float | None
    base_time_s: float | None
    length_m: float | None
    time_s: float | None
    reason: str = ""

    @property
    def stranded(self) -> bool:
        """Whether a baseline route exists and none does now."""
        return self.base_time_s is not None and self.time_s is None

    @property
    def extra_time_s(self) -> float:
        """Time added (0 where either side has no route)."""
        if self.base_time_s is None or self.time_s is None:
            return 0.0
        return self.time_s - self.base_time_s

    @property
    def extra_length_m(self) -> float:
        """Length added (0 where either side has no route)."""
        if self.base_length_m is None or self.length_m is None:
            return 0.0
        return self.length_m - self.base_length_m

    def to_dict(self) -> dict[str, Any]:
        """JSON-able form."""
        return {
            "mode": self.mode,
            "vehicle": self.vehicle,
            "origin": self.origin,
            "destination": self.destination,
            "base_length_km": _km(self.base_length_m),
            "base_time_h": _hours(self.base_time_s),
            "length_km": _km(self.length_m),
            "time_h": _hours(self.time_s),
            "extra_time_h": round(self.extra_time_s / 3600, 4),
            "stranded": self.stranded,
            "reason": self.reason,
        }


def _km(metres: float | None) -> float | None:
    return None if metres is None else round(metres / 1000, 3)


def _hours(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / 3600, 4)


@dataclass(frozen=True)
class Impact:
    """What one perturbation does to the corridors.

    Attributes
    ----------
    perturbation
        Its name.
    throughput
        Road, rail and per-class road throughput.
    routes
        Every measured pair and class.
    closed
        Descriptions of the elements out of use.
    notes
        Remarks (diversions, unmatched random-failure names).
    """

    perturbation: str
    throughput: tuple[CorridorThroughput, ...]
    routes: tuple[RouteChange, ...]
    closed: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    def flow(self, key: str) -> CorridorThroughput:
        """Throughput by key (``road``, ``rail``, ``road/<vehicle>``)."""
        for item in self.throughput:
            if item.key == key:
                return item
        raise KeyError(key)

    @property
    def stranded(self) -> list[RouteChange]:
        """Pairs with a baseline route and none now."""
        return [r for r in self.routes if r.stranded]

    def summary(self) -> dict[str, Any]:
        """Headline figures (JSON-able)."""
        rerouted = [r for r in self.routes if r.extra_time_s > 1e-6]
        served = [r for r in self.routes if r.base_time_s is not None]
        return {
            "perturbation": self.perturbation,
            "throughput_veh_per_day": {t.key: t.vehicles_per_day for t in self.throughput},
            "throughput_loss_veh_per_day": {t.key: t.loss_veh_per_day for t in self.throughput},
            "throughput_share": {t.key: round(t.share, 6) for t in self.throughput},
            "pairs": len(served),
            "stranded": len(self.stranded),
            "rerouted": len(rerouted),
            "extra_time_h_total": round(sum(r.extra_time_s for r in self.routes) / 3600, 4),
            "extra_time_h_max": round(
                max((r.extra_time_s for r in self.routes), default=0.0) / 3600, 4
            ),
        }

    def to_dict(self, all_routes: bool = False) -> dict[str, Any]:
        """JSON-able form: summary, cuts, closed elements, and changed routes (or all)."""
        return {
            **self.summary(),
            "cuts": {
                t.key: [
                    {
                        "name": c.name,
                        "kind": c.kind,
                        "key": c.key,
                        "capacity_veh_per_day": c.capacity_veh_per_day,
                    }
                    for c in t.cut
                ]
                for t in self.throughput
            },
            "closed": list(self.closed),
            "notes": list(self.notes),
            "routes": [
                r.to_dict()
                for r in self.routes
                if all_routes or r.stranded or abs(r.extra_time_s) > 1e-6 or r.reason
            ],
        }
