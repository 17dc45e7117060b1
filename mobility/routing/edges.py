"""The edges of a graph as flat arrays: what routing reads, built once per graph.

The public graph type stays ``networkx.MultiDiGraph``; path work and
feasibility run on these arrays (vectorised numpy, scipy's C Dijkstra).
"""

from __future__ import annotations

import bisect
from collections.abc import Hashable
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any

import networkx as nx
import numpy as np
from numpy.typing import NDArray

from mobility.network.sections import SectionIndex, section_index
from mobility.network.structures import StructureIndex, structure_index
from mobility.routing._unique import sorted_unique

#: Limit attributes read from the edges, in the units of their names.
LIMIT_ATTRIBUTES = (
    "mlc_wheeled",
    "mlc_tracked",
    "maxweight_t",
    "maxaxleload_t",
    "maxheight_m",
    "maxwidth_m",
)
TUNNEL_CATEGORY_CODE = {"A": 1, "B": 2, "C": 3, "D": 4, "E": 5}
EXPRESSWAY_HIGHWAYS = frozenset({"motorway", "trunk"})


def _float(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return float("nan")


def _first(value: Any) -> Any:
    # osmnx keeps lists where merged ways disagree; the first value is kept.
    return value[0] if isinstance(value, list) and value else value


@dataclass(frozen=True)
class EdgeTable:
    """Edges of one graph as parallel arrays, indexed ``0 .. n_edges - 1``.

    Attributes
    ----------
    graph
        The source graph (not copied; do not mutate it while the table is in use).
    nodes
        Node ids; ``u``/``v`` index into it.
    keys
        ``(u, v, key)`` of each edge in the graph.
    u, v
        Endpoint indices.
    length_m
        Edge length.
    maxspeed_kph
        Tagged speed limit (NaN where none).
    expressway, built_up, oneway
        Road-type flags (built-up: speed limit of 50 km/h or less).
    lanes
        Lanes in the edge's direction (NaN where unknown).
    element
        OSM way id: edges of one way form one element (a bridge, a tunnel).
    limits
        ``LIMIT_ATTRIBUTES`` name to array (NaN where untagged).
    tunnel_category
        0 where none, 1-5 for ADR categories A-E.
    hazmat_no
        Dangerous goods banned (``hazmat=no``/``designated``-style tagging).
    bridge, tunnel
        Structure flags.
    node_names
        Names of places attached to graph nodes, by node id (section names).
    """

    graph: nx.MultiDiGraph
    nodes: NDArray[np.int64]
    keys: list[tuple[int, int, int]]
    u: NDArray[np.int64]
    v: NDArray[np.int64]
    length_m: NDArray[np.float64]
    maxspeed_kph: NDArray[np.float64]
    expressway: NDArray[np.bool_]
    built_up: NDArray[np.bool_]
    oneway: NDArray[np.bool_]
    lanes: NDArray[np.float64]
    element: NDArray[np.int64]
    limits: dict[str, NDArray[np.float64]]
    tunnel_category: NDArray[np.int8]
    hazmat_no: NDArray[np.bool_]
    bridge: NDArray[np.bool_]
    tunnel: NDArray[np.bool_]
    node_names: dict[int, str] = field(default_factory=dict)

    @property
    def n_nodes(self) -> int:
        """Number of nodes."""
        return len(self.nodes)

    @property
    def n_edges(self) -> int:
        """Number of edges."""
        return len(self.keys)

    def index(self, node: Hashable) -> int:
        """Array index of a graph node.

        Raises
        ------
        KeyError
            If the node is not in the graph.
        """
        found = int(np.searchsorted(self.nodes, int(node)))  # type: ignore[call-overload]
        if found >= len(self.nodes) or self.nodes[found] != node:
            raise KeyError(node)
        return int(found)

    def data(self, edge: int) -> dict[str, Any]:
        """Attribute dict of edge ``edge`` in the graph."""
        return self.edge_data[edge]

    def label(self, edge: int) -> str:
        """Human name of the element an edge belongs to: name, ref or way id."""
        return self.labels[edge]

    @cached_property
    def labels(self) -> list[str]:
        """:meth:`label` of every edge."""
        labels = []
        for edge in range(self.n_edges):
            data = self.data(edge)
            name = _first(data.get("name")) or _first(data.get("ref"))
            labels.append(str(name) if name else f"way {self.element[edge]}")
        return labels

    @cached_property
    def service_days(self) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
        """First day in service and first day out of service of every edge (date ordinals).

        From the ``valid_from`` and ``valid_to`` attributes (ISO dates); an edge
        without them is always in service.
        """
        first = np.zeros(self.n_edges, dtype=np.int64)
        end = np.full(self.n_edges, np.iinfo(np.int64).max, dtype=np.int64)
        for index, data in enumerate(self.edge_data):
            if "valid_from" in data:
                first[index] = date.fromisoformat(str(data["valid_from"])).toordinal()
            if "valid_to" in data:
                end[index] = date.fromisoformat(str(data["valid_to"])).toordinal()
        return first, end

    def closed_on(self, day: date) -> NDArray[np.bool_]:
        """Edges out of service on ``day`` (outside their ``valid_from``/``valid_to`` span)."""
        first, end = self.service_days
        ordinal = day.toordinal()
        return np.asarray((ordinal < first) | (ordinal >= end), dtype=bool)

    @cached_property
    def service_changes(self) -> tuple[int, ...]:
        """Sorted day ordinals on which some edge enters or leaves service."""
        first, end = self.service_days
        changes = np.concatenate([first[first > 0], end[end < np.iinfo(np.int64).max]])
        return tuple(sorted_unique(changes).tolist())

    def service_period(self, day: date) -> int:
        """Return the number of service changes up to ``day`` (equal: same :meth:`closed_on`)."""
        return bisect.bisect_right(self.service_changes, day.toordinal())

    @cached_property
    def structures(self) -> StructureIndex:
        """Bridges and tunnels grouped into logical structures (built on first use)."""
        return structure_index(self)

    @cached_property
    def sections(self) -> SectionIndex:
        """Road or rail sections between junctions (built on first use).

        Named by the junctions and stations of the graph and by
        :attr:`node_names` (places attached to the graph; set them before
        first use).
        """
        return section_index(self, self.node_names)

    @cached_property
    def key_index(self) -> dict[tuple[int, int, int], int]:
        """Table index of every ``(u, v, key)``."""
        return {key: index for index, key in enumerate(self.keys)}

    @cached_property
    def refs(self) -> list[str]:
        """Road or line ref of every edge (empty where none)."""
        refs = []
        for edge in range(self.n_edges):
            ref = _first(self.data(edge).get("ref"))
            refs.append(str(ref) if ref else "")
        return refs

    @cached_property
    def edge_data(self) -> list[dict[str, Any]]:
        """Attribute dict of every edge in the graph, in table order (the graph's own dicts)."""
        edges = self.graph.edges
        return [edges[key] for key in self.keys]

    @classmethod
    def from_graph(cls, graph: nx.MultiDiGraph) -> EdgeTable:
        """Build the table of ``graph`` (nodes sorted by id).

        Each column is read in one pass over the edges' attribute dicts and
        converted in bulk where its values are plain numbers (#13, speed only).
        """
        nodes = np.array(sorted(graph.nodes), dtype=np.int64)
        keys: list[tuple[int, int, int]] = []
        datas: list[dict[str, Any]] = []
        # A loop, not list(): the edge view counts its edges by iterating them all.
        for u, v, key, data in graph.edges(keys=True, data=True):
            keys.append((u, v, key))
            datas.append(data)
        n_edges = len(datas)

        def column(name: str) -> list[Any]:
            return [data.get(name) for data in datas]

        def flags(name: str) -> NDArray[np.bool_]:
            return np.fromiter(map(bool, column(name)), dtype=bool, count=n_edges)

        maxspeed = _float_column(column("maxspeed_kph"))
        table = cls(
            graph=graph,
            nodes=nodes,
            keys=keys,
            u=np.searchsorted(nodes, np.fromiter((k[0] for k in keys), np.int64, n_edges)),
            v=np.searchsorted(nodes, np.fromiter((k[1] for k in keys), np.int64, n_edges)),
            length_m=_float_column(
                [data.get("length_m", data.get("length")) for data in datas], first=False
            ),
            maxspeed_kph=maxspeed,
            expressway=_expressway_column(column("highway")),
            built_up=np.nan_to_num(maxspeed, nan=np.inf) <= 50.0,
            oneway=flags("oneway"),
            lanes=_float_column(column("lanes")),
            element=_element_column(column("osmid")),
            limits={name: _float_column(column(name)) for name in LIMIT_ATTRIBUTES},
            tunnel_category=np.fromiter(
                (TUNNEL_CATEGORY_CODE.get(str(c or ""), 0) for c in column("tunnel_category")),
                np.int8,
                n_edges,
            ),
            hazmat_no=np.fromiter((str(h or "") == "no" for h in column("hazmat")), bool, n_edges),
            bridge=flags("bridge"),
            tunnel=flags("tunnel"),
        )
        table.__dict__["edge_data"] = datas
        return table


#: Value types a float column converts in bulk (``None`` becomes NaN, as in :func:`_float`).
_PLAIN_NUMBERS = frozenset({type(None), float, int, bool, np.float64, np.int64})


def _float_column(values: list[Any], *, first: bool = True) -> NDArray[np.float64]:
    """``_float(_first(value))`` of every value (``_float(value)`` if not ``first``)."""
    if set(map(type, values)) <= _PLAIN_NUMBERS:
        return np.array(values, dtype=np.float64)
    pick = _first if first else (lambda value: value)
    return np.array([_float(pick(value)) for value in values], dtype=np.float64)


def _expressway_column(highways: list[Any]) -> NDArray[np.bool_]:
    """Whether each edge's (first) highway value is a motorway or trunk."""
    if set(map(type, highways)) <= {str, type(None)}:
        return np.fromiter((h in EXPRESSWAY_HIGHWAYS for h in highways), bool, len(highways))
    chosen = (str(_first(h) or "") in EXPRESSWAY_HIGHWAYS for h in highways)
    return np.fromiter(chosen, bool, len(highways))


def _element_column(osmids: list[Any]) -> NDArray[np.int64]:
    """OSM way id of every edge (the first of merged ways; -1 where not an integer)."""
    if set(map(type, osmids)) <= {int, np.int64}:
        return np.array(osmids, dtype=np.int64)
    firsts = map(_first, osmids)
    return np.array(
        [int(o) if isinstance(o, (int, np.integer)) else -1 for o in firsts], dtype=np.int64
    )
