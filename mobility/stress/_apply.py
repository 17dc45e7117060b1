"""Apply a perturbation to copies: edge masks, a network copy, a scenario copy.

Nothing here modifies its inputs. :func:`resolve` turns a perturbation into
per-edge masks and capacity factors over a :class:`StressContext`'s edge
tables (the network metrics); :func:`perturb_network` and
:func:`perturb_scenario` build the copies the scheduler replans on.

Elements are matched by :func:`mobility.routing.elements.match_edges`, the
same rules as scenario closures. For the network metrics a perturbation is
measured while everything in it is in force: a closure with a time window
counts as closed, a curfew scales capacity by the share of the day it leaves
open. For replanning, closures with a time window, border closures with a
window and curfews become scenario closures (the scheduler keeps columns off
the element during them); whole-horizon closures, capacity reductions to
zero and random failures are removed from the network copy so that routes
avoid them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import networkx as nx
import numpy as np
from numpy.typing import NDArray

from mobility.errors import DataError, ScenarioError
from mobility.model.clock import LOCAL_TIME
from mobility.model.scenario import Capacities, Closure, Request, Scenario
from mobility.network.load import Network
from mobility.network.places import NetworkPlace
from mobility.routing.elements import element_keys, element_names, match_edges, suggest
from mobility.routing.resolve import PlaceIndex
from mobility.stress._perturbation_parts import curfew_closures
from mobility.stress._resolved import Resolved
from mobility.stress.perturbation import Perturbation

if TYPE_CHECKING:
    from mobility.stress.impact import Element, StressContext

MODES = ("road", "rail")


def _where(perturbation: Perturbation) -> str:
    return f"perturbation {perturbation.source or perturbation.name!r}"


def _unknown(names: list[str], text: str, where: str, modes: str) -> ScenarioError:
    return ScenarioError(
        f"{where}: element {text!r} matches no bridge, tunnel, road section, road or line "
        f"name, ref, 'way <id>', place or node id of the {modes} network{suggest(text, names)}"
    )


def match(context: StressContext, text: str, mode: str, where: str) -> dict[str, NDArray[np.int64]]:
    """Edges ``text`` names per mode (``mode`` ``any``: both graphs).

    Raises
    ------
    ScenarioError
        If it names nothing in the graphs searched.
    """
    modes = MODES if mode == "any" else (mode,)
    found = {m: match_edges(context.modes[m].table, text, context.places) for m in modes}
    if not any(len(edges) for edges in found.values()):
        names = [
            name for m in modes for name in element_names(context.modes[m].table, context.places)
        ]
        raise _unknown(names, text, where, " or ".join(modes))
    return found


def _place(context: StressContext, text: str, kinds: tuple[str, ...], where: str) -> NetworkPlace:
    errors = []
    for mode in MODES:
        try:
            place = PlaceIndex(context.places, mode).resolve(text)
        except DataError as error:
            errors.append(str(error))
            continue
        if place.kind in kinds:
            return place
        errors.append(f"{place.name!r} is a {place.kind}, not a {' or '.join(kinds)}")
    raise ScenarioError(f"{where}: {text!r}: " + "; ".join(errors))


def _describe(context: StressContext, mode: str, edges: NDArray[np.int64]) -> list[str]:
    data = context.modes[mode]
    found = sorted(
        {int(data.element_of_edge[e]) for e in edges.tolist() if data.element_of_edge[e] >= 0}
    )
    return [f"{data.elements[i].describe()} [{mode}]" for i in found]


def failure_probabilities(
    context: StressContext, perturbation: Perturbation
) -> NDArray[np.float64]:
    """Failure probability of every element of ``context.elements()`` (in that order).

    Raises
    ------
    ScenarioError
        If an element named in ``random_failures.elements`` matches nothing.
    """
    failures = perturbation.random_failures
    elements = context.elements()
    if failures is None:
        return np.zeros(len(elements))
    probability = np.array([failures.of_kind(e.kind) for e in elements], dtype=np.float64)
    index = {(e.mode, e.id): i for i, e in enumerate(elements)}
    where = f"{_where(perturbation)} random_failures elements"
    for text, value in failures.elements.items():
        for mode, edges in match(context, text, "any", where).items():
            data = context.modes[mode]
            for edge in edges.tolist():
                position = data.element_of_edge[edge]
                if position >= 0:
                    element = data.elements[int(position)]
                    probability[index[(element.mode, element.id)]] = value
    return probability


def draw_failures(context: StressContext, perturbation: Perturbation, run: int) -> list[Element]:
    """Elements that fail in Monte Carlo run ``run`` (seeded by ``(seed, run)``)."""
    if perturbation.random_failures is None:
        return []
    probability = failure_probabilities(context, perturbation)
    rng = np.random.default_rng([perturbation.random_failures.seed, run])
    draws = rng.random(len(probability))
    elements = context.elements()
    return [elements[i] for i in np.flatnonzero(draws < probability).tolist()]


def resolve(perturbation: Perturbation, context: StressContext, *, run: int = 0) -> Resolved:
    """Masks and factors of ``perturbation`` over the context's edge tables.

    Raises
    ------
    ScenarioError
        If an element, port or crossing matches nothing, naming the entry.
    """
    resolved = Resolved.nothing({m: context.modes[m].table.n_edges for m in MODES})
    where = _where(perturbation)
    _resolve_elements(resolved, perturbation, context, where)
    _resolve_ports(resolved, perturbation, context, where)
    _resolve_borders(resolved, perturbation, context, where)
    failed = draw_failures(context, perturbation, run)
    for element in failed:
        resolved.close(element.mode, np.array(element.edges, dtype=np.int64))
        resolved.closed.append(f"{element.describe()} [{element.mode}, random failure]")
    if perturbation.random_failures is not None:
        resolved.notes.append(
            f"random failures (seed {perturbation.random_failures.seed}, run {run}): "
            f"{len(failed)} elements"
        )
    resolved.closed = list(dict.fromkeys(resolved.closed))
    return resolved


def _resolve_elements(
    resolved: Resolved, perturbation: Perturbation, context: StressContext, where: str
) -> None:
    """Take closed elements out of use and scale capacities by reductions and curfews."""
    for i, closure in enumerate(perturbation.closures):
        for mode, edges in match(
            context, closure.element, closure.mode, f"{where} closures[{i}]"
        ).items():
            resolved.removed[mode][edges] = True
            if not closure.timed:
                resolved.removed_always[mode][edges] = True
            resolved.closed += _describe(context, mode, edges)
    for i, reduction in enumerate(perturbation.reductions):
        for mode, edges in match(
            context, reduction.element, reduction.mode, f"{where} capacity[{i}]"
        ).items():
            resolved.factor[mode][edges] *= reduction.remaining
            if reduction.remaining == 0:
                resolved.close(mode, edges)
                resolved.closed += _describe(context, mode, edges)
    for i, curfew in enumerate(perturbation.curfews):
        open_share = 1.0 - curfew.closed_share
        for mode, edges in match(
            context, curfew.element, curfew.mode, f"{where} curfews[{i}]"
        ).items():
            resolved.factor[mode][edges] *= open_share
            if open_share == 0:
                resolved.close(mode, edges)


def _resolve_ports(
    resolved: Resolved, perturbation: Perturbation, context: StressContext, where: str
) -> None:
    """Scale the gates of ports lost in whole or in part; mark lost ports."""
    for i, loss in enumerate(perturbation.ports):
        at = f"{where} ports[{i}]"
        port = _place(context, loss.port, ("spod", "rail_terminal"), at)
        share = min(resolved.source_factor.get(port.place_id, 1.0), loss.remaining)
        resolved.source_factor[port.place_id] = share
        if loss.divert_to:
            target = _place(context, loss.divert_to, ("spod", "rail_terminal"), f"{at} divert_to")
            if target.mode != port.mode or target.place_id == port.place_id:
                raise ScenarioError(
                    f"{at} divert_to: {target.name!r} is not another {port.mode} port"
                )
        if share == 0:
            divert = f", requests diverted to {loss.divert_to}" if loss.divert_to else ""
            resolved.lost_places[port.place_id] = f"port lost ({port.name}{divert})"
            resolved.closed.append(f"{port.name} [port lost]")
        else:
            resolved.notes.append(f"{port.name}: {share:.0%} of the gate capacity left")


def _resolve_borders(
    resolved: Resolved, perturbation: Perturbation, context: StressContext, where: str
) -> None:
    """Close border crossings: no capacity left, their pairs without a route."""
    for i, border in enumerate(perturbation.borders):
        at = f"{where} borders[{i}]"
        crossing = _place(context, border.crossing, ("bcp",), at)
        if border.divert_to:
            target = _place(context, border.divert_to, ("bcp",), f"{at} divert_to")
            if target.mode != crossing.mode or target.place_id == crossing.place_id:
                raise ScenarioError(
                    f"{at} divert_to: {target.name!r} is not another {crossing.mode} crossing"
                )
        resolved.sink_factor[crossing.place_id] = 0.0
        resolved.lost_places[crossing.place_id] = f"border crossing closed ({crossing.name})"
        resolved.closed.append(f"{crossing.name} [crossing closed]")


def close_elements(context: StressContext, elements: list[Element], name: str = "") -> Resolved:
    """Resolve a perturbation closing exactly ``elements`` (criticality, resilience)."""
    resolved = Resolved.nothing({m: context.modes[m].table.n_edges for m in MODES})
    for element in elements:
        resolved.close(element.mode, np.array(element.edges, dtype=np.int64))
        resolved.closed.append(f"{element.describe()} [{element.mode}]")
    return resolved


def perturb_network(network: Network, context: StressContext, resolved: Resolved) -> Network:
    """Copy ``network`` without the edges out of use for the whole horizon."""
    graphs: dict[str, nx.MultiDiGraph] = {}
    for mode in MODES:
        graph = (network.road if mode == "road" else network.rail).copy()
        table = context.modes[mode].table
        graph.remove_edges_from(
            [table.keys[e] for e in np.flatnonzero(resolved.removed_always[mode]).tolist()]
        )
        graphs[mode] = graph
    return Network(
        road=graphs["road"],
        rail=graphs["rail"],
        corridors=network.corridors,
        places=list(network.places),
        report=network.report,
    )


@dataclass(frozen=True)
class StrandedRequest:
    """A request the perturbation leaves without a port or crossing.

    Attributes
    ----------
    request
        Request id.
    reason
        Why.
    """

    request: str
    reason: str


def _closure_text(context: StressContext, text: str, where: str) -> str:
    """Return the text of a road element as the scheduler's closures match it."""
    for place in context.places:
        if place.place_id and place.place_id.casefold() == text.strip().casefold():
            return place.name
    known = element_keys(context.modes["road"].table, context.places)
    if text.strip().casefold() in known:
        return text.strip()
    raise ScenarioError(
        f"{where}: {text!r} cannot be closed in time windows by the scheduler; name the bridge, "
        "tunnel, road name or ref, place or node id"
    )


def perturb_scenario(
    scenario: Scenario, perturbation: Perturbation, context: StressContext
) -> tuple[Scenario, list[StrandedRequest]]:
    """Copy ``scenario`` with the perturbation's timed closures, ports, crossings and surge.

    Returns
    -------
    tuple
        The perturbed scenario and the requests it had to drop (a lost port
        or a closed crossing without a diversion).

    Raises
    ------
    ScenarioError
        If a surge request clashes with the scenario (id, horizon) or a
        timed closure names an element the scheduler cannot close.
    """
    closures = [*scenario.closures, *_element_closures(scenario, perturbation, context)]
    lost_ports, rates = _port_changes(scenario, perturbation, context)
    border_closures, closed_crossings = _border_changes(scenario, perturbation, context)
    closures += border_closures
    requests, stranded = _moved_requests(
        scenario, perturbation, context, lost_ports=lost_ports, closed_crossings=closed_crossings
    )
    capacities: Capacities = replace(scenario.capacities, port_exit_vehicles_per_hour=rates)
    perturbed = replace(
        scenario,
        name=f"{scenario.name} [{perturbation.name}]",
        requests=tuple(requests),
        closures=tuple(closures),
        capacities=capacities,
    )
    return perturbed, stranded


def _element_closures(
    scenario: Scenario, perturbation: Perturbation, context: StressContext
) -> list[Closure]:
    """Return the scenario closures of the timed road closures and of the road curfews."""
    where = _where(perturbation)
    closures: list[Closure] = []
    for i, closure in enumerate(perturbation.closures):
        # An element the network lacks is refused, never silently ignored.
        found = match(context, closure.element, closure.mode, f"{where} closures[{i}]")
        if closure.timed and closure.mode in ("road", "any") and len(found.get("road", ())):
            closures.append(
                Closure(
                    _closure_text(context, closure.element, f"{where} closures[{i}]"),
                    closure.start or scenario.start,
                    closure.end or scenario.end,
                    closure.reason or perturbation.name,
                )
            )
    for i, curfew in enumerate(perturbation.curfews):
        found = match(context, curfew.element, curfew.mode, f"{where} curfews[{i}]")
        if curfew.mode == "rail" or not len(found.get("road", ())):
            continue
        text = _closure_text(context, curfew.element, f"{where} curfews[{i}]")
        for begin, end in curfew_closures(curfew, scenario.start, scenario.end, LOCAL_TIME):
            closures.append(
                Closure(text, begin, end, curfew.reason or f"curfew ({perturbation.name})")
            )
    return closures


def _port_changes(
    scenario: Scenario, perturbation: Perturbation, context: StressContext
) -> tuple[dict[str, str], dict[str, float]]:
    """Return the road ports lost (place id to the port taking their requests), gate rates."""
    where = _where(perturbation)
    lost_ports: dict[str, str] = {}
    rates = dict(scenario.capacities.port_exit_vehicles_per_hour)
    for i, loss in enumerate(perturbation.ports):
        port = _place(context, loss.port, ("spod", "rail_terminal"), f"{where} ports[{i}]")
        if port.mode != "road":
            continue
        if loss.remaining == 0:
            lost_ports[port.place_id] = loss.divert_to
        else:
            rate = scenario.capacities.port_rate(port.place_id, port.name)
            rates[port.place_id] = max(1.0, rate * loss.remaining)
    return lost_ports, rates


def _border_changes(
    scenario: Scenario, perturbation: Perturbation, context: StressContext
) -> tuple[list[Closure], dict[str, str]]:
    """Return the closures of crossings closed for a while; the crossings closed for good.

    The second is place id to the crossing taking their requests (empty: none).
    """
    where = _where(perturbation)
    closures: list[Closure] = []
    closed_crossings: dict[str, str] = {}
    for i, border in enumerate(perturbation.borders):
        crossing = _place(context, border.crossing, ("bcp",), f"{where} borders[{i}]")
        if crossing.mode != "road":
            continue
        if border.timed:
            closures.append(
                Closure(
                    crossing.name,
                    border.start or scenario.start,
                    border.end or scenario.end,
                    border.reason or perturbation.name,
                )
            )
        else:
            closed_crossings[crossing.place_id] = border.divert_to
    return closures, closed_crossings


def _moved_requests(
    scenario: Scenario,
    perturbation: Perturbation,
    context: StressContext,
    *,
    lost_ports: dict[str, str],
    closed_crossings: dict[str, str],
) -> tuple[list[Request], list[StrandedRequest]]:
    """Divert, scale and add requests; return them and those left without a diversion."""
    index = PlaceIndex(context.places, "road")
    requests: list[Request] = []
    stranded: list[StrandedRequest] = []
    scale = perturbation.surge.scale
    for request in (*scenario.requests, *_extra_requests(scenario, perturbation)):
        try:
            origin = index.resolve(request.origin).place_id
            destination = index.resolve(request.destination).place_id
        except DataError:
            origin, destination = request.origin, request.destination
        changed = request
        if origin in lost_ports:
            if not lost_ports[origin]:
                stranded.append(StrandedRequest(request.id, f"port {request.origin!r} lost"))
                continue
            changed = replace(changed, origin=lost_ports[origin])
        if destination in closed_crossings:
            if not closed_crossings[destination]:
                stranded.append(
                    StrandedRequest(request.id, f"border crossing {request.destination!r} closed")
                )
                continue
            changed = replace(changed, destination=closed_crossings[destination])
        if scale != 1.0 and request not in perturbation.surge.requests:
            changed = replace(
                changed, vehicles={k: math.ceil(n * scale) for k, n in changed.vehicles.items()}
            )
        requests.append(changed)
    return requests, stranded


def _extra_requests(scenario: Scenario, perturbation: Perturbation) -> tuple[Request, ...]:
    extra = perturbation.surge.requests
    ids = {r.id for r in scenario.requests}
    for request in extra:
        where = f"{_where(perturbation)} surge request {request.id!r}"
        if request.id in ids:
            raise ScenarioError(f"{where}: id already used by the scenario")
        for name, moment in (
            ("available_from", request.available_from),
            ("required_by", request.required_by),
        ):
            if not scenario.start <= moment <= scenario.end:
                raise ScenarioError(
                    f"{where} {name}: {moment.isoformat()} is outside the scenario horizon "
                    f"{scenario.start.isoformat()} .. {scenario.end.isoformat()}"
                )
    return extra
