"""Which turns a column or a train may take at a node: the arcs of turn-aware routing.

Routing is edge-based (as in GraphHopper and Valhalla): a path is a chain of
directed graph edges, and one edge may follow another only through an
allowed **turn** at the node between them. A turn is forbidden when

- an OSM turn restriction forbids it (``no_*``: that pair; ``only_*``: every
  other exit from the ``from`` edge at the via node), or
- it is sharper than the vehicle can take: its deflection (the change of
  heading between the end of the incoming edge and the start of the outgoing
  one, 0 degrees straight on, 180 degrees straight back) exceeds
  :attr:`TurnRules.max_deflection_deg`. For a road column that is a U-turn
  (default above 150 degrees: turning back on a dual carriageway, or on the
  same road); for a train, a reversal (default above 60 degrees: no junction
  of running lines diverges that sharply, checked on the 2014 Dutch rail
  network, where turns at nodes are either below 45 degrees or well above 90),

except at the nodes where :attr:`TurnRules.reverse_at` allows a reversal,
at a time cost (a locomotive running round its train at a terminal). Headings
are measured over :attr:`TurnRules.bearing_lookahead_m` of each edge, so that
a few metres of kinked geometry at a merged junction do not count.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import shapely
from numpy.typing import NDArray

from mobility.errors import DataError
from mobility.network.restrictions import EDGE_ATTRIBUTE
from mobility.routing.edges import EdgeTable


@dataclass(frozen=True)
class TurnRules:
    """How sharply vehicles may turn, and where they may reverse.

    Attributes
    ----------
    max_deflection_deg
        Sharpest turn allowed at an ordinary node (degrees of heading change).
    reverse_at
        Places where a sharper turn (a U-turn, a reversal) is allowed: place
        kinds (``rail_terminal``, ``station``, ``csc``, ...), roles (``ramp``),
        place ids, or graph nodes as ``node:<id>``.
    reverse_within_m
        A reversal is also allowed at nodes this close to the position of a
        corridor place named by ``reverse_at`` (a terminal's yard, whose
        tracks the graph does not hold; not around stations of the data).
    reversal_s
        Time a reversal costs where it is allowed.
    apply_restrictions
        Obey OSM turn restrictions (``restriction`` relations).
    bearing_lookahead_m
        Length of edge over which the heading at each end is measured.
    """

    max_deflection_deg: float
    reverse_at: frozenset[str] = field(default_factory=frozenset)
    reverse_within_m: float = 0.0
    reversal_s: float = 0.0
    apply_restrictions: bool = True
    bearing_lookahead_m: float = 50.0

    def __post_init__(self) -> None:
        if not 0 < self.max_deflection_deg <= 180:
            raise DataError(
                f"turn rules: max_deflection_deg must be within (0, 180], "
                f"got {self.max_deflection_deg}"
            )
        if self.reversal_s < 0 or self.reverse_within_m < 0 or self.bearing_lookahead_m <= 0:
            raise DataError(
                "turn rules: reversal_s and reverse_within_m must be >= 0 and "
                f"bearing_lookahead_m > 0, got {self.reversal_s} s, {self.reverse_within_m} m "
                f"and {self.bearing_lookahead_m} m"
            )


#: Columns: no U-turns (deflection above 150 degrees) anywhere, OSM restrictions obeyed.
ROAD_TURNS = TurnRules(max_deflection_deg=150.0)
#: Trains: no turn sharper than 60 degrees except a reversal at a rail terminal,
#: military ramp or station (OSM ``railway=station|halt|yard`` nodes), or within
#: 3 km of a terminal or ramp (its yard: the readers drop yard and siding tracks),
#: costing 20 minutes. Labelled assumptions:
#: the yard radius, and the time of a locomotive run-round or of coupling a
#: second locomotive at the other end.
RAIL_TURNS = TurnRules(
    max_deflection_deg=60.0,
    reverse_at=frozenset({"rail_terminal", "station"}),
    reverse_within_m=3000.0,
    reversal_s=1200.0,
)


@dataclass(frozen=True)
class TurnArcs:
    """Allowed turns as arcs between table edges: ``from_edge`` then ``to_edge``.

    Attributes
    ----------
    from_edge, to_edge
        Table edge indices (``v[from_edge] == u[to_edge]``).
    cost_s
        Time added by the turn (a reversal), else 0.
    reversal
        Whether the turn is a reversal (sharper than the rules' limit).
    """

    from_edge: NDArray[np.int64]
    to_edge: NDArray[np.int64]
    cost_s: NDArray[np.float64]
    reversal: NDArray[np.bool_]

    @cached_property
    def by_edges(self) -> TurnArcs:
        """The same arcs sorted by ``from_edge``, then ``to_edge`` (stable; computed once).

        Every path engine of a mode reads the arcs in this order: sorting once
        per mode instead of once per vehicle class (#13, speed only).
        """
        order = np.lexsort((self.to_edge, self.from_edge))
        return TurnArcs(
            from_edge=np.asarray(self.from_edge)[order],
            to_edge=np.asarray(self.to_edge)[order],
            cost_s=np.asarray(self.cost_s, dtype=np.float64)[order],
            reversal=np.asarray(self.reversal)[order],
        )


Restricted = list[tuple[int, tuple[tuple[int, str, int], ...]]]


def _edge_data(table: EdgeTable) -> tuple[NDArray[np.object_], Restricted]:
    """Geometry of every edge (None where it has none) and the restricted edges, in one pass."""
    geometries = np.empty(table.n_edges, dtype=object)
    geometries[:] = [data.get("geometry") for data in table.edge_data]
    restricted = [
        (edge, entries)
        for edge, data in enumerate(table.edge_data)
        if (entries := data.get(EDGE_ATTRIBUTE))
    ]
    return geometries, restricted


def _bearing_deg(start: NDArray[np.float64], end: NDArray[np.float64]) -> NDArray[np.float64]:
    """Compass bearing (clockwise from north) from WGS84 points to others; NaN if equal."""
    dx = (end[:, 0] - start[:, 0]) * np.cos(np.radians((start[:, 1] + end[:, 1]) / 2))
    dy = end[:, 1] - start[:, 1]
    bearing = np.degrees(np.arctan2(dx, dy))
    return np.where((dx == 0) & (dy == 0), np.nan, bearing)


def edge_bearings(
    table: EdgeTable, lookahead_m: float, geometries: NDArray[np.object_] | None = None
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Heading of every edge as it leaves its tail and as it enters its head (degrees)."""
    if geometries is None:
        geometries = _edge_data(table)[0]
    nodes = table.graph._node  # networkx's node dicts: no view per lookup (#13, speed only)
    xy = np.array([(nodes[n]["x"], nodes[n]["y"]) for n in table.nodes.tolist()], dtype=np.float64)
    xy = xy.reshape(-1, 2)  # a graph without nodes (no rail in a road extract)
    first, last = xy[table.u], xy[table.v]
    # Edges without a geometry are straight; the others are followed for lookahead_m.
    ahead, behind = last.copy(), first.copy()
    shaped = np.flatnonzero(shapely.is_geometry(geometries) & ~shapely.is_empty(geometries))
    if len(shaped):
        fraction = np.minimum(lookahead_m / np.maximum(table.length_m[shaped], 1e-9), 1.0)
        fraction = np.nan_to_num(fraction, nan=1.0)
        for target, position in ((ahead, fraction), (behind, 1.0 - fraction)):
            points = shapely.line_interpolate_point(geometries[shaped], position, normalized=True)
            target[shaped] = shapely.get_coordinates(points)
    return _bearing_deg(first, ahead), _bearing_deg(behind, last)


def turn_angles_deg(
    end_bearing: NDArray[np.float64],
    start_bearing: NDArray[np.float64],
    from_edge: NDArray[np.int64],
    to_edge: NDArray[np.int64],
) -> NDArray[np.float64]:
    """Signed turn from one edge into the next: + right, - left, +-180 straight back."""
    turn = (start_bearing[to_edge] - end_bearing[from_edge] + 180.0) % 360.0 - 180.0
    return np.asarray(turn, dtype=np.float64)


def candidate_turns(table: EdgeTable) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Every pair (e1, e2) of table edges with e1 ending where e2 starts, grouped by e1."""
    out_order = np.argsort(table.u, kind="stable")
    out_ptr = np.searchsorted(table.u[out_order], np.arange(table.n_nodes + 1))
    counts = out_ptr[table.v + 1] - out_ptr[table.v]
    from_edge = np.repeat(np.arange(table.n_edges, dtype=np.int64), counts)
    first = np.repeat(out_ptr[table.v], counts)
    within = np.arange(len(from_edge)) - np.repeat(np.cumsum(counts) - counts, counts)
    to_edge = out_order[first + within].astype(np.int64)
    return from_edge, to_edge


def turn_arcs(table: EdgeTable, rules: TurnRules, reverse_nodes: Iterable[int] = ()) -> TurnArcs:
    """Return the allowed turns of a graph under ``rules``.

    Parameters
    ----------
    table
        Edge table of the graph.
    rules
        Turn rules of the vehicle.
    reverse_nodes
        Node indices where a turn sharper than the rules' limit is allowed (at
        ``rules.reversal_s``).
    """
    from_edge, to_edge = candidate_turns(table)
    geometries, restricted = _edge_data(table)
    starts, ends = edge_bearings(table, rules.bearing_lookahead_m, geometries)
    turn = turn_angles_deg(ends, starts, from_edge, to_edge)
    # Without a heading (a zero-length edge), only going straight back along the
    # same way counts as a reversal.
    unknown = np.isnan(turn)
    back = (table.v[to_edge] == table.u[from_edge]) & (
        table.element[to_edge] == table.element[from_edge]
    )
    sharp = np.where(unknown, back, np.abs(np.nan_to_num(turn)) > rules.max_deflection_deg)
    at_reverse = np.zeros(table.n_nodes, dtype=bool)
    at_reverse[np.fromiter(reverse_nodes, dtype=np.int64)] = True
    may_reverse = at_reverse[table.v[from_edge]]
    keep = ~sharp | may_reverse
    if rules.apply_restrictions and restricted:
        keep &= ~restricted_turns(table, from_edge, to_edge, turn, restricted)
    return TurnArcs(
        from_edge=from_edge[keep],
        to_edge=to_edge[keep],
        cost_s=np.where(sharp, rules.reversal_s, 0.0)[keep],
        reversal=sharp[keep],
    )


def restricted_turns(
    table: EdgeTable,
    from_edge: NDArray[np.int64],
    to_edge: NDArray[np.int64],
    turn: NDArray[np.float64],
    restricted: list[tuple[int, tuple[tuple[int, str, int], ...]]],
) -> NDArray[np.bool_]:
    """Which candidate turns an OSM turn restriction forbids.

    Restrictions are stored on the edge they start from, binding at its head
    node (:data:`~mobility.network.restrictions.EDGE_ATTRIBUTE`). A
    restriction whose ``to`` way does not leave that node is stale (the node
    was cut away or the edge split) and ignored. Where the ``to`` way passes
    through the node (two edges of it leave), the turn's direction picks the
    one meant: leftmost for ``*_left_turn``, rightmost for ``*_right_turn``,
    straightest for ``*_straight_on``, sharpest for ``*_u_turn``.
    """
    forbidden = np.zeros(len(from_edge), dtype=bool)
    group_start = np.searchsorted(from_edge, np.arange(table.n_edges + 1))
    for edge, entries in restricted:
        arcs = np.arange(group_start[edge], group_start[edge + 1])
        if not len(arcs):
            continue
        exits = table.element[to_edge[arcs]]
        only: set[int] = set()
        for _, restriction, to_way in entries:
            matches = arcs[exits == to_way]
            if not len(matches):
                continue  # stale: the to-way does not leave this node
            chosen = _direction_match(matches, restriction, turn)
            if restriction.startswith("only_"):
                only.update(chosen.tolist())
            else:
                forbidden[chosen] = True
        if only:
            forbidden[arcs[~np.isin(arcs, list(only))]] = True
    return forbidden


def _direction_match(
    arcs: NDArray[np.int64], restriction: str, turn: NDArray[np.float64]
) -> NDArray[np.int64]:
    """Return the arc(s) of the ``to`` way a restriction means, by its turn direction."""
    if len(arcs) < 2:
        return arcs
    angles = np.nan_to_num(turn[arcs])
    if restriction.endswith("left_turn"):
        return arcs[[int(np.argmin(angles))]]
    if restriction.endswith("right_turn"):
        return arcs[[int(np.argmax(angles))]]
    if restriction.endswith("straight_on"):
        return arcs[[int(np.argmin(np.abs(angles)))]]
    if restriction.endswith("u_turn"):
        return arcs[[int(np.argmax(np.abs(angles)))]]
    return arcs
