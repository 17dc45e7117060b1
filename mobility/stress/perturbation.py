"""Perturbations of the corridors: what a stress test changes (YAML).

A perturbation lists closures of elements (whole horizon or a time window),
capacity reductions, ports lost in whole or in part, closed border
crossings, curfews, a demand surge and random failures drawn from
per-element probabilities. Perturbations compose (:func:`combine`) and are
only ever applied to copies (:mod:`mobility.stress._apply`): the base
network, scenario and plan stay as they were.

File format (YAML, loaded safely; every error names the file, the entry and
the expected form)::

    name: moerdijk-down
    description: Moerdijk road and rail bridges out of use
    closures:                    # element: name, ref, "way <id>", place name or id, node id
      - {element: Moerdijkbrug, mode: road, reason: ship strike}
      - {element: "Breda - Rotterdam (Dordrecht - Lage Zwaluwe)", mode: rail}
      - {element: Botlektunnel, from: 2026-11-24T06:00+01:00, to: 2026-11-24T18:00+01:00}
    capacity:                    # share of the capacity left (0 closes)
      - {element: A58, remaining: 0.5, mode: road}
    ports:                       # remaining share of the gate; divert_to moves its requests
      - {port: spod-vlissingen, remaining: 0, divert_to: spod-rotterdam}
    borders:                     # whole horizon, or from/to
      - {crossing: bcp-venlo-a67, divert_to: bcp-tegelen-kaldenkirchen}
    curfews:                     # daily local clock windows in which the element is closed
      - {element: A67, windows: [["22:00", "06:00"]]}
    surge:
      scale: 2.0                 # every request's vehicles times this (rounded up)
      requests: []               # extra requests in the scenario file's format
    random_failures:             # Monte Carlo: each element fails with its probability
      seed: 7
      probability: {default: 0.0, bridge: 0.05, tunnel: 0.05, road: 0.01, rail: 0.01}
      elements: {Moerdijkbrug: 0.2}
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from mobility.errors import DataError, ScenarioError
from mobility.model import _fields
from mobility.model._yaml import build_checked, number, read_yaml, require
from mobility.model.scenario import Request, scenario_from_dict
from mobility.stress._perturbation_parts import (
    ELEMENT_MODES,
    FAILURE_KINDS,
    BorderClosure,
    CapacityReduction,
    Curfew,
    ElementClosure,
    PortLoss,
    RandomFailures,
    Surge,
    curfew_closures,
)

# The parts are defined in mobility.stress._perturbation_parts; a perturbation's
# users import them from here with it.
__all__ = [
    "ELEMENT_MODES",
    "FAILURE_KINDS",
    "BorderClosure",
    "CapacityReduction",
    "Curfew",
    "ElementClosure",
    "Perturbation",
    "PortLoss",
    "RandomFailures",
    "Surge",
    "combine",
    "curfew_closures",
    "load_perturbation",
    "load_perturbations",
    "perturbation_from_dict",
]

_KEYS = (
    "name",
    "description",
    "closures",
    "capacity",
    "ports",
    "borders",
    "curfews",
    "surge",
    "random_failures",
)
#: Wide horizon for checking surge requests before a scenario is known.
_ANY_START = datetime.fromisoformat("1970-01-01T00:00+00:00")
_ANY_HORIZON_H = 200 * 365 * 24


@dataclass(frozen=True)
class Perturbation:
    """Everything one stress test changes.

    Attributes
    ----------
    name, description
        For reports.
    closures, reductions, ports, borders, curfews, surge, random_failures
        See the classes.
    source
        File the perturbation came from, for messages.
    """

    name: str = "baseline"
    description: str = ""
    closures: tuple[ElementClosure, ...] = ()
    reductions: tuple[CapacityReduction, ...] = ()
    ports: tuple[PortLoss, ...] = ()
    borders: tuple[BorderClosure, ...] = ()
    curfews: tuple[Curfew, ...] = ()
    surge: Surge = field(default_factory=Surge)
    random_failures: RandomFailures | None = None
    source: str = ""

    @property
    def is_empty(self) -> bool:
        """Whether the perturbation changes nothing."""
        return (
            not (self.closures or self.reductions or self.ports or self.borders or self.curfews)
            and self.surge == Surge()
            and self.random_failures is None
        )

    def with_closures(
        self, elements: Iterable[str], mode: str = "any", reason: str = ""
    ) -> Perturbation:
        """Return a copy with whole-horizon closures of ``elements`` added."""
        extra = tuple(ElementClosure(text, mode, reason=reason) for text in elements)
        return replace(self, closures=self.closures + extra)

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-able description (for results files and reports)."""

        def when(moment: datetime | None) -> str | None:
            return None if moment is None else moment.isoformat()

        document: dict[str, Any] = {"name": self.name}
        if self.description:
            document["description"] = self.description
        if self.closures:
            document["closures"] = [
                {
                    "element": c.element,
                    "mode": c.mode,
                    "from": when(c.start),
                    "to": when(c.end),
                    "reason": c.reason,
                }
                for c in self.closures
            ]
        if self.reductions:
            document["capacity"] = [
                {"element": r.element, "remaining": r.remaining, "mode": r.mode, "reason": r.reason}
                for r in self.reductions
            ]
        if self.ports:
            document["ports"] = [
                {
                    "port": p.port,
                    "remaining": p.remaining,
                    "divert_to": p.divert_to,
                    "reason": p.reason,
                }
                for p in self.ports
            ]
        if self.borders:
            document["borders"] = [
                {
                    "crossing": b.crossing,
                    "from": when(b.start),
                    "to": when(b.end),
                    "divert_to": b.divert_to,
                }
                for b in self.borders
            ]
        if self.curfews:
            document["curfews"] = [
                {"element": c.element, "mode": c.mode, "windows": [list(w) for w in c.windows]}
                for c in self.curfews
            ]
        if self.surge != Surge():
            document["surge"] = {
                "scale": self.surge.scale,
                "requests": [r.id for r in self.surge.requests],
            }
        if self.random_failures is not None:
            document["random_failures"] = {
                "seed": self.random_failures.seed,
                "probability": dict(self.random_failures.probability),
                "elements": dict(self.random_failures.elements),
            }
        return document


def combine(*perturbations: Perturbation, name: str | None = None) -> Perturbation:
    """One perturbation doing everything the given ones do.

    Lists are concatenated, surge scales multiply, extra requests add up.

    Raises
    ------
    ScenarioError
        If more than one carries random failures.
    """
    if not perturbations:
        return Perturbation()
    randoms = [p.random_failures for p in perturbations if p.random_failures is not None]
    if len(randoms) > 1:
        raise ScenarioError(
            "only one of the combined perturbations may have random_failures, got "
            + ", ".join(repr(p.name) for p in perturbations if p.random_failures is not None)
        )
    scale = math.prod(p.surge.scale for p in perturbations)
    return Perturbation(
        name=name or " + ".join(p.name for p in perturbations),
        description="; ".join(p.description for p in perturbations if p.description),
        closures=tuple(c for p in perturbations for c in p.closures),
        reductions=tuple(r for p in perturbations for r in p.reductions),
        ports=tuple(x for p in perturbations for x in p.ports),
        borders=tuple(b for p in perturbations for b in p.borders),
        curfews=tuple(c for p in perturbations for c in p.curfews),
        surge=Surge(scale, tuple(r for p in perturbations for r in p.surge.requests)),
        random_failures=randoms[0] if randoms else None,
        source=", ".join(p.source for p in perturbations if p.source),
    )


# --- loading ----------------------------------------------------------------------------


def _mapping(raw: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(raw, Mapping):
        raise DataError(f"{where}: expected a mapping, got {raw!r}")
    return raw


def _entries(
    document: Mapping[str, Any], key: str, where: str
) -> list[tuple[str, Mapping[str, Any]]]:
    raw = document.get(key)
    if raw is None:
        return []
    if not isinstance(raw, Sequence) or isinstance(raw, str):
        raise DataError(f"{where}: {key!r} must be a list of mappings")
    return [
        (f"{where}: {key}[{i}]", _mapping(entry, f"{where}: {key}[{i}]"))
        for i, entry in enumerate(raw)
    ]


def _known(entry: Mapping[str, Any], allowed: Sequence[str], where: str) -> None:
    unknown = sorted(str(k) for k in entry if k not in allowed)
    if unknown:
        raise DataError(f"{where}: unknown field {unknown[0]!r}; expected {', '.join(allowed)}")


def _text(entry: Mapping[str, Any], key: str, where: str) -> str:
    return _fields.text(require(entry, key, where), f"{where} {key}")


def _mode(entry: Mapping[str, Any], where: str) -> str:
    mode = entry.get("mode", "any")
    if mode not in ELEMENT_MODES:
        raise DataError(f"{where}: mode {mode!r} is not one of {', '.join(ELEMENT_MODES)}")
    return str(mode)


def _share(entry: Mapping[str, Any], key: str, where: str, default: float | None = None) -> float:
    value = entry.get(key, default) if default is not None else require(entry, key, where)
    return _fields.share(value, f"{where} {key}")


def _time(value: Any, where: str) -> datetime | None:
    return None if value is None else _fields.moment(value, where)


def _window(entry: Mapping[str, Any], where: str) -> tuple[datetime | None, datetime | None]:
    start = _time(entry.get("from"), f"{where} from")
    end = _time(entry.get("to"), f"{where} to")
    if start is not None and end is not None and end <= start:
        raise DataError(f"{where}: 'to' must be after 'from'")
    return start, end


def _windows(raw: Any, where: str) -> tuple[tuple[int, int], ...]:
    return _fields.windows(raw, where)


def _surge(raw: Any, where: str) -> Surge:
    if raw is None:
        return Surge()
    entry = _mapping(raw, where)
    _known(entry, ("scale", "requests"), where)
    scale = number(entry.get("scale", 1.0), f"{where} scale")
    if not 0 < scale <= 100:
        raise DataError(f"{where} scale: expected a factor > 0 and <= 100, got {scale!r}")
    raw_requests = entry.get("requests") or []
    if not isinstance(raw_requests, Sequence) or isinstance(raw_requests, str):
        raise DataError(f"{where} requests: expected a list of requests in the scenario format")
    requests: tuple[Request, ...] = ()
    if raw_requests:
        try:
            parsed = scenario_from_dict(
                {"start": _ANY_START, "horizon_h": _ANY_HORIZON_H, "requests": list(raw_requests)},
                f"{where} requests",
                max_horizon_h=_ANY_HORIZON_H,
            )
        except ScenarioError as error:
            raise DataError(str(error)) from None
        requests = parsed.requests
    return Surge(scale, requests)


def _random(raw: Any, where: str) -> RandomFailures | None:
    if raw is None:
        return None
    entry = _mapping(raw, where)
    _known(entry, ("seed", "probability", "elements"), where)
    seed = _fields.whole(entry.get("seed", 0), f"{where} seed", minimum=0)
    probability: dict[str, float] = {"default": 0.0}
    for kind, value in _mapping(entry.get("probability") or {}, f"{where} probability").items():
        if kind not in FAILURE_KINDS:
            raise DataError(
                f"{where} probability: kind {kind!r} is not one of {', '.join(FAILURE_KINDS)}"
            )
        probability[str(kind)] = _share({"p": value}, "p", f"{where} probability {kind}")
    elements = {
        str(name): _share({"p": value}, "p", f"{where} elements {name}")
        for name, value in _mapping(entry.get("elements") or {}, f"{where} elements").items()
    }
    return RandomFailures(seed=seed, probability=probability, elements=elements)


def perturbation_from_dict(document: Any, origin: str = "<dict>") -> Perturbation:
    """Build a :class:`Perturbation` from a parsed YAML document.

    Raises
    ------
    DataError
        Naming the file, the entry and the field, on any invalid value.
    """
    where = origin
    if not isinstance(document, Mapping):
        raise DataError(
            f"{where}: expected a mapping with 'name' and any of {', '.join(_KEYS[2:])}, "
            f"got {type(document).__name__}"
        )
    _known(document, _KEYS, where)
    return Perturbation(
        name=str(document.get("name") or Path(origin).stem),
        description=str(document.get("description") or ""),
        closures=_closures(document, where),
        reductions=_reductions(document, where),
        ports=_ports(document, where),
        borders=_borders(document, where),
        curfews=_curfews(document, where),
        surge=_surge(document.get("surge"), f"{where}: surge"),
        random_failures=_random(document.get("random_failures"), f"{where}: random_failures"),
        source=origin,
    )


def _reason(entry: Mapping[str, Any]) -> str:
    return str(entry.get("reason") or "")


def _closures(document: Mapping[str, Any], where: str) -> tuple[ElementClosure, ...]:
    closures = []
    for at, entry in _entries(document, "closures", where):
        _known(entry, ("element", "mode", "from", "to", "reason"), at)
        start, end = _window(entry, at)
        closures.append(
            ElementClosure(
                element=_text(entry, "element", at),
                mode=_mode(entry, at),
                start=start,
                end=end,
                reason=_reason(entry),
            )
        )
    return tuple(closures)


def _reductions(document: Mapping[str, Any], where: str) -> tuple[CapacityReduction, ...]:
    reductions = []
    for at, entry in _entries(document, "capacity", where):
        _known(entry, ("element", "remaining", "mode", "reason"), at)
        reductions.append(
            CapacityReduction(
                element=_text(entry, "element", at),
                remaining=_share(entry, "remaining", at),
                mode=_mode(entry, at),
                reason=_reason(entry),
            )
        )
    return tuple(reductions)


def _ports(document: Mapping[str, Any], where: str) -> tuple[PortLoss, ...]:
    ports = []
    for at, entry in _entries(document, "ports", where):
        _known(entry, ("port", "remaining", "divert_to", "reason"), at)
        ports.append(
            PortLoss(
                port=_text(entry, "port", at),
                remaining=_share(entry, "remaining", at, default=0.0),
                divert_to=str(entry.get("divert_to") or ""),
                reason=_reason(entry),
            )
        )
    return tuple(ports)


def _borders(document: Mapping[str, Any], where: str) -> tuple[BorderClosure, ...]:
    borders = []
    for at, entry in _entries(document, "borders", where):
        _known(entry, ("crossing", "from", "to", "divert_to", "reason"), at)
        start, end = _window(entry, at)
        divert = str(entry.get("divert_to") or "")
        if divert and (start is not None or end is not None):
            raise DataError(
                f"{at}: divert_to applies to a crossing closed for the whole horizon (no from/to)"
            )
        borders.append(
            BorderClosure(
                crossing=_text(entry, "crossing", at),
                start=start,
                end=end,
                divert_to=divert,
                reason=_reason(entry),
            )
        )
    return tuple(borders)


def _curfews(document: Mapping[str, Any], where: str) -> tuple[Curfew, ...]:
    curfews = []
    for at, entry in _entries(document, "curfews", where):
        _known(entry, ("element", "windows", "mode", "reason"), at)
        curfews.append(
            Curfew(
                element=_text(entry, "element", at),
                windows=_windows(require(entry, "windows", at), f"{at} windows"),
                mode=_mode(entry, at),
                reason=_reason(entry),
            )
        )
    return tuple(curfews)


def load_perturbation(path: str | Path) -> Perturbation:
    """Load and validate a perturbation file (safe YAML; no code execution).

    Raises
    ------
    DataError
        If the file is missing, not YAML, or invalid; the message names the
        file, the entry and the expected form.
    """
    path = Path(path)
    document = read_yaml(path, "perturbation file")
    return build_checked(perturbation_from_dict, document, str(path), "perturbation file")


def load_perturbations(paths: Iterable[str | Path], name: str | None = None) -> Perturbation:
    """Load several perturbation files and :func:`combine` them."""
    return combine(*(load_perturbation(p) for p in paths), name=name)
