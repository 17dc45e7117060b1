"""Closures of a scenario as the instance needs them: checked, in solver minutes, for routing.

Closures forbid start slots whose occupation of the closed element would
overlap the closed window: a structure or section by name, a road by name or
ref, an OSM way (``way <id>``), a place by name or id, or any node of the
route by id (:func:`mobility.routing.elements.element_spans_s`). A closure
that covers the whole horizon takes its edges out of the routing graph.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from mobility.errors import ScenarioError
from mobility.model.scenario import Scenario
from mobility.network.load import Network
from mobility.routing.closed import ClosedEdges, closed_edges
from mobility.routing.edges import EdgeTable
from mobility.routing.elements import element_keys, element_names, suggest


@dataclass(frozen=True)
class ClosureRule:
    """A closure in solver units: the casefolded element text and its minutes after the start."""

    text: str
    start_min: int
    end_min: int


def closure_rules(scenario: Scenario) -> list[ClosureRule]:
    """Return the scenario's closures in solver minutes (a closure's end is never negative)."""
    return [
        ClosureRule(
            text=c.element.strip().casefold(),
            start_min=scenario.minutes(c.start),
            end_min=max(0, scenario.minutes(c.end)),
        )
        for c in scenario.closures
    ]


def check_closures(
    scenario: Scenario, network: Network, table: EdgeTable, rail_table: EdgeTable
) -> None:
    """Refuse closures of elements the network does not have, suggesting near names."""
    if not scenario.closures:
        return
    known = set(element_keys(table, network.places))
    known |= element_keys(rail_table, network.places)
    rail_names = {str(d.get("name")) for _, _, d in network.rail.edges(data=True) if d.get("name")}
    rail_places = [p for p in network.corridors.places if p.mode == "rail"]
    known |= {name.casefold() for name in rail_names}
    known |= {p.name.casefold() for p in rail_places} | {p.id.casefold() for p in rail_places}
    for index, closure in enumerate(scenario.closures):
        if closure.element.strip().casefold() not in known:
            names = [*element_names(table, network.places), *rail_names]
            names += [p.name for p in rail_places]
            raise ScenarioError(
                f"{scenario.source}: closures[{index}] element {closure.element!r} matches no "
                "bridge, tunnel, road name or ref, 'way <id>', place or node id of the road "
                f"network, nor a rail line, terminal or crossing{suggest(closure.element, names)}"
            )


def closed_for_routing(
    scenario: Scenario, network: Network, table: EdgeTable, horizon_min: int
) -> tuple[ClosedEdges | None, ClosedEdges | None, NDArray[np.bool_] | None]:
    """Edges of ``table`` closed for the whole horizon; with the timed ones; the timed ones alone.

    A closure covering the whole horizon is removed before routing; a timed
    one stays usable outside its window, and a route around it is added.
    """
    whole: list[str] = []
    timed: list[str] = []
    for closure in scenario.closures:
        always = scenario.minutes(closure.start) <= 0 and scenario.minutes(closure.end) >= (
            horizon_min
        )
        (whole if always else timed).append(closure.element.strip())
    places = tuple(network.places)
    closed = closed_edges(table, whole, places) if whole else None
    if not timed:
        return closed, None, None
    around = closed_edges(table, [*whole, *timed], places)
    timed_mask = closed_edges(table, timed, places).mask
    if not timed_mask.any():
        return closed, None, None
    return closed, around, timed_mask


__all__ = ["ClosureRule", "check_closures", "closed_for_routing", "closure_rules"]
