"""Map layers drawn from the project's own data: corridors, critical points, stress marks.

Each ``add_*`` function adds one :class:`folium.FeatureGroup` (listed in the
layer control) and its legend entries, and returns the group. Lines and
points are drawn by ``mobility.js`` from compact JSON; popups hold plain
label/value rows that the browser sets as text, never as HTML.
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import folium
import networkx as nx
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from mobility.errors import DataError
from mobility.maps._elements import JsCall
from mobility.network.export import edge_features, json_value, place_features
from mobility.network.load import Network
from mobility.routing.elements import logical_elements, network_table

# Neutral greys and blue-greys: strong colours are kept for requests and units
# (mobility.maps._colours.UNIT_PALETTE), so a column never takes a road's colour.
ROAD_STYLES: dict[str, dict[str, Any]] = {
    "motorway": {"color": "#4f5b66", "weight": 3.5, "opacity": 0.8},
    "trunk": {"color": "#67727c", "weight": 3, "opacity": 0.8},
    "primary": {"color": "#7f8991", "weight": 2.5, "opacity": 0.8},
    "secondary": {"color": "#99a1a8", "weight": 2, "opacity": 0.8},
    "tertiary": {"color": "#b3b9be", "weight": 1.5, "opacity": 0.8},
}
RAIL_STYLE: dict[str, Any] = {"color": "#2e3a45", "weight": 2, "opacity": 0.8, "dashArray": "6 4"}
POINT_KINDS: dict[str, tuple[str, str]] = {
    # kind: (layer name, colour)
    "bridge": ("Bridges (MLC)", "#ffffff"),
    "tunnel": ("Tunnels (ADR category)", "#5d6d7e"),
    "bcp": ("Border crossings", "#3a4652"),
    "spod": ("Ports (SPOD)", "#17202a"),
    "csc": ("Convoy support centres", "#4d5656"),
    "rail_terminal": ("Rail terminals", "#424949"),
}
#: Points drawn as a badge with this text and their name beside it, at every zoom;
#: a higher ``z`` lies on top (ports above everything else).
LABELLED_POINTS: dict[str, dict[str, Any]] = {
    "spod": {"badge": "SPOD", "z": 1000},
    "bcp": {"badge": "BCP", "z": 600},
    "rail_terminal": {"badge": "RT", "z": 400},
    "csc": {"badge": "CSC", "z": 200},
}
CLOSED_COLOUR = "#e60000"
CRITICALITY_COLOURS = ("#fee08b", "#fdae61", "#f46d43", "#d73027", "#a50026")
COORDINATE_DECIMALS = 5

Key = str | tuple[int, int, int]


def to_latlngs(coords: Iterable[Sequence[float]]) -> list[list[float]]:
    """GeoJSON ``(lon, lat)`` to Leaflet ``[lat, lon]``, rounded (about 1 m)."""
    out: list[list[float]] = []
    for lon, lat, *_ in coords:
        point = [round(float(lat), COORDINATE_DECIMALS), round(float(lon), COORDINATE_DECIMALS)]
        if not out or out[-1] != point:
            out.append(point)
    return out


def _fmt(value: Any, unit: str = "") -> str | None:
    if value is None or value == "" or (isinstance(value, float) and not math.isfinite(value)):
        return None
    if isinstance(value, float):
        value = f"{value:g}"
    if isinstance(value, (list, tuple)):
        value = ", ".join(str(v) for v in value)
    return f"{value}{unit}"


def _rows(pairs: Iterable[tuple[str, Any]]) -> list[list[str]]:
    return [[label, text] for label, value in pairs if (text := _fmt(value)) is not None]


def _edge_title(p: Mapping[str, Any]) -> str:
    parts = [_fmt(p.get("name")), _fmt(p.get("ref"))]
    return " / ".join(x for x in parts if x) or f"way {p.get('osmid')}"


def _mlc(p: Mapping[str, Any]) -> str | None:
    wheeled, tracked = _fmt(p.get("mlc_wheeled")), _fmt(p.get("mlc_tracked"))
    if wheeled is None and tracked is None:
        return None
    return f"{wheeled or '-'} wheeled / {tracked or '-'} tracked"


# Reads the edge's identity and the attributes in mobility.maps._network_layer._ROW_FIELDS
# (pieces with the same values there share their rows): keep the two in step.
def _edge_rows(p: Mapping[str, Any]) -> list[list[str]]:
    rail = "railway" in p
    return _rows(
        [
            ("Name", p.get("name")),
            ("Ref", p.get("ref")),
            ("Class", p.get("railway") if rail else p.get("highway")),
            ("Lanes", p.get("lanes")),
            ("Tracks", p.get("tracks")),
            ("Usage", p.get("usage")),
            ("Electrified", _fmt(p.get("voltage"), " V") if p.get("electrified") else None),
            ("Max speed", _fmt(p.get("maxspeed_kph"), " km/h")),
            ("Bridge", "yes" if p.get("bridge") else None),
            ("MLC", _mlc(p)),
            ("Max weight", _fmt(p.get("maxweight_t"), " t")),
            ("Max axle load", _fmt(p.get("maxaxleload_t"), " t")),
            ("Clearance", _fmt(p.get("maxheight_m"), " m")),
            ("Tunnel", "yes" if p.get("tunnel") else None),
            ("ADR tunnel category", p.get("tunnel_category")),
            ("Corridors", p.get("corridors")),
            ("Edge", f"{p.get('u')}-{p.get('v')}-{p.get('key')} (way {p.get('osmid')})"),
        ]
    )


def _undirected(features: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One feature per way piece: the reverse direction of a two-way edge is dropped."""
    seen: set[tuple[Any, ...]] = set()
    kept = []
    for feature in features:
        p = feature["properties"]
        key = (min(p["u"], p["v"]), max(p["u"], p["v"]), str(p.get("osmid")))
        if key in seen:
            continue
        seen.add(key)
        kept.append(feature)
    return kept


def _road_class(highway: Any) -> str:
    text = str(highway[0] if isinstance(highway, list) else highway or "")
    text = text.removesuffix("_link")
    return text if text in ROAD_STYLES else "tertiary"


def _group(fmap: folium.Map, name: str, show: bool = True) -> folium.FeatureGroup:
    # Leaflet's layer control shows names as HTML.
    group = folium.FeatureGroup(name=html.escape(name), show=show)
    group.add_to(fmap)
    return group


def _legend(
    fmap: folium.Map, section: str, items: list[dict[str, Any]], *, open_: bool = True
) -> None:
    JsCall("legend", fmap, data={"section": section, "items": items, "open": open_}).add_to(fmap)


def _line_feature(feature: Mapping[str, Any], kind: str) -> dict[str, Any]:
    p = feature["properties"]
    return {
        "c": to_latlngs(feature["geometry"]["coordinates"]),
        "k": kind,
        "t": _edge_title(p),
        "p": _edge_rows(p),
    }


def _flagged_edges(graph: nx.MultiDiGraph, flag: str) -> list[tuple[Any, Any, Any, dict[str, Any]]]:
    """Return the edges ``(u, v, key, data)`` with ``flag`` (``bridge``, ``tunnel``), in order."""
    edges = []
    for u, v, key, data in graph.edges(keys=True, data=True):
        value = data.get(flag)
        if value and not (isinstance(value, float) and math.isnan(value)):
            edges.append((u, v, key, data))
    return edges


def _edge_properties(u: Any, v: Any, key: Any, data: Mapping[str, Any]) -> dict[str, Any]:
    """Return an edge's feature properties (as :func:`~mobility.network.export.edge_features`)."""
    properties = {
        name: json_value(value)
        for name, value in data.items()
        if name not in ("geometry", "length")
    }
    properties.update(u=u, v=v, key=key)
    return properties


def _midpoint(geometry: Mapping[str, Any] | BaseGeometry) -> list[float]:
    line = geometry if isinstance(geometry, BaseGeometry) else shape(geometry)
    point = line.interpolate(0.5, normalized=True)
    return [round(point.y, COORDINATE_DECIMALS), round(point.x, COORDINATE_DECIMALS)]


def _structures(network: Network, flag: str) -> list[dict[str, Any]]:
    """One point per bridge or tunnel element (way), at the middle of its first edge."""
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for mode, graph in (("road", network.road), ("rail", network.rail)):
        for u, v, edge_key, data in _flagged_edges(graph, flag):
            key = (mode, str(json_value(data.get("osmid"))))
            if key in found:
                continue
            p = _edge_properties(u, v, edge_key, data)
            if flag == "bridge":
                label = _mlc(p) or _fmt(p.get("maxweight_t"), " t") or "no class tagged"
                title = f"{_edge_title(p)} (MLC {label})"
            else:
                category = _fmt(p.get("tunnel_category")) or "none tagged"
                title = f"{_edge_title(p)} (ADR category {category})"
            found[key] = {
                "ll": _midpoint(data["geometry"]),
                "k": flag,
                "t": title,
                "p": _rows([("Mode", mode)]) + _edge_rows(p),
            }
    return list(found.values())


def _point_style(colour: str) -> dict[str, Any]:
    return {"radius": 5, "color": "#1c2833", "weight": 1.5, "fillColor": colour, "fillOpacity": 1}


def add_critical_points(fmap: folium.Map, network: Network) -> list[folium.FeatureGroup]:
    """Add bridges, tunnels, border crossings, ports, support centres, rail terminals."""
    by_kind: dict[str, list[dict[str, Any]]] = {
        "bridge": _structures(network, "bridge"),
        "tunnel": _structures(network, "tunnel"),
    }
    for feature in place_features(network):
        p = feature["properties"]
        if p["kind"] not in POINT_KINDS:
            continue
        lon, lat = feature["geometry"]["coordinates"]
        by_kind.setdefault(p["kind"], []).append(
            {
                "ll": [round(lat, COORDINATE_DECIMALS), round(lon, COORDINATE_DECIMALS)],
                "k": p["kind"],
                "t": p["name"],
                "p": _rows(
                    [
                        ("Kind", POINT_KINDS[p["kind"]][0]),
                        ("Id", p.get("place_id")),
                        ("Role", p.get("role")),
                        ("Mode", p.get("mode")),
                        ("Corridors", p.get("corridor")),
                        ("Graph node", p.get("node")),
                    ]
                ),
            }
        )
    groups = []
    items = []
    for kind, (name, colour) in POINT_KINDS.items():
        features = by_kind.get(kind) or []
        if not features:
            continue
        group = _group(fmap, name)
        labelled = LABELLED_POINTS.get(kind)
        if labelled is None:
            data = {"styles": {kind: _point_style(colour)}, "features": features, "canvas": True}
            JsCall("points", fmap, {"group": group}, data).add_to(group)
            items.append({"label": name, "colour": colour, "kind": "point"})
        else:
            badge = {**labelled, "colour": colour}
            JsCall("places", fmap, {"group": group}, {"badge": badge, "features": features}).add_to(
                group
            )
            items.append(
                {"label": name, "colour": colour, "kind": "badge", "badge": badge["badge"]}
            )
        groups.append(group)
    _legend(fmap, "Critical points", items, open_=False)
    return groups


@dataclass
class _Element:
    """What a name or edge id stands for on the network: edges and places."""

    edges: list[dict[str, Any]] = field(default_factory=list)
    places: list[dict[str, Any]] = field(default_factory=list)


class _Index:
    """Look up network elements the way closures name them (case-insensitive)."""

    def __init__(self, network: Network) -> None:
        self.by_name: dict[str, _Element] = {}
        self.by_edge: dict[tuple[int, int, int], dict[str, Any]] = {}
        for graph in (network.road, network.rail):
            features = edge_features(graph)
            for feature in features:
                p = feature["properties"]
                self.by_edge[(p["u"], p["v"], p["key"])] = feature
            for feature in _undirected(features):
                p = feature["properties"]
                names = {_fmt(p.get("name")), _fmt(p.get("ref")), f"way {p.get('osmid')}"}
                for name in names - {None}:
                    self._entry(str(name)).edges.append(feature)
        for mode in ("road", "rail"):
            table = network_table(network, mode)
            for name, edges in logical_elements(table).items():
                entry = self._entry(name)
                if not entry.edges:
                    entry.edges.extend(self.by_edge[table.keys[e]] for e in edges)
        for feature in place_features(network):
            p = feature["properties"]
            for name in {p["name"], p.get("place_id"), str(p.get("node"))} - {None, "None"}:
                self._entry(str(name)).places.append(feature)
        for graph in (network.road, network.rail):
            for node, data in graph.nodes(data=True):
                entry = self._entry(str(node))
                if not entry.places:
                    entry.places.append(
                        {
                            "type": "Feature",
                            "geometry": {"type": "Point", "coordinates": [data["x"], data["y"]]},
                            "properties": {
                                "name": data.get("name") or f"node {node}",
                                "kind": "node",
                            },
                        }
                    )

    def _entry(self, name: str) -> _Element:
        return self.by_name.setdefault(name.casefold(), _Element())

    def find(self, key: Key) -> _Element:
        if isinstance(key, tuple):
            feature = self.by_edge.get(tuple(int(k) for k in key))  # type: ignore[arg-type]
            if feature is None:
                raise DataError(f"edge {key!r} (u, v, key) is not in the road or rail graph")
            return _Element(edges=[feature])
        found = self.by_name.get(str(key).casefold())
        if found is None or not (found.edges or found.places):
            raise DataError(
                f"element {key!r} matches no bridge, tunnel, road or line name or ref, "
                "'way <osmid>', place name or id, or node id of the network"
            )
        return found


def _element_features(
    element: _Element, *, title: str, rows: list[list[str]], extra: dict[str, Any]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    lines = [
        {
            **_line_feature(f, "element"),
            "t": title,
            "p": rows + _edge_rows(f["properties"]),
            **extra,
        }
        for f in element.edges
    ]
    points = []
    for feature in element.places:
        lon, lat = feature["geometry"]["coordinates"][:2]
        points.append(
            {
                "ll": [round(lat, COORDINATE_DECIMALS), round(lon, COORDINATE_DECIMALS)],
                "k": "element",
                "t": title,
                "p": rows + _rows([("Place", feature["properties"].get("name"))]),
                **extra,
            }
        )
    for feature in element.edges:
        points.append(
            {"ll": _midpoint(feature["geometry"]), "k": "element", "t": title, "p": rows, **extra}
        )
    return lines, points


def add_closures_layer(
    fmap: folium.Map,
    network: Network,
    element_names: Iterable[Key],
    *,
    name: str = "Closed elements",
) -> folium.FeatureGroup:
    """Mark closed network elements (red lines and rings) and return their layer.

    Parameters
    ----------
    fmap
        The map.
    network
        The network the names refer to.
    element_names
        Closed elements as in scenario closures: bridge, tunnel, road or line
        name or ref, ``"way <osmid>"``, place name or id, or node id
        (case-insensitive); or an edge id ``(u, v, key)``.
    name
        Layer name.

    Raises
    ------
    DataError
        If a name matches nothing in the network.
    """
    index = _Index(network)
    lines: list[dict[str, Any]] = []
    points: list[dict[str, Any]] = []
    for key in element_names:
        element = index.find(key)
        title = f"CLOSED: {key if isinstance(key, str) else '-'.join(map(str, key))}"
        more_lines, more_points = _element_features(
            element, title=title, rows=[["Status", "closed"]], extra={}
        )
        lines += more_lines
        points += more_points
    group = _group(fmap, name)
    styles = {"element": {"color": CLOSED_COLOUR, "weight": 7, "opacity": 0.9, "dashArray": "10 6"}}
    JsCall("lines", fmap, {"group": group}, {"styles": styles, "features": lines}).add_to(group)
    ring = {
        "radius": 9,
        "color": CLOSED_COLOUR,
        "weight": 3,
        "fillColor": "#ffffff",
        "fillOpacity": 0.6,
    }
    JsCall(
        "points", fmap, {"group": group}, {"styles": {"element": ring}, "features": points}
    ).add_to(group)
    _legend(fmap, name, [{"label": "closed", "colour": CLOSED_COLOUR, "dash": True}])
    return group


def criticality_colour(score: float, low: float, high: float) -> str:
    """Colour of ``score`` on the criticality ramp between ``low`` and ``high``."""
    share = 0.0 if high <= low else (score - low) / (high - low)
    share = min(1.0, max(0.0, share))
    return CRITICALITY_COLOURS[round(share * (len(CRITICALITY_COLOURS) - 1))]


def add_criticality_layer(
    fmap: folium.Map,
    network: Network,
    scores: Mapping[Key, float],
    *,
    name: str = "Criticality",
) -> folium.FeatureGroup:
    """Colour network elements by a criticality score and return their layer.

    Parameters
    ----------
    fmap
        The map.
    network
        The network the keys refer to.
    scores
        Score per element: a name as for :func:`add_closures_layer` or an
        edge id ``(u, v, key)``. Higher is more critical; the colour scale
        runs from the lowest to the highest score.
    name
        Layer name.

    Raises
    ------
    DataError
        If a key matches nothing in the network or a score is not finite.
    """
    index = _Index(network)
    values = {}
    for key, score in scores.items():
        value = float(score)
        if not math.isfinite(value):
            raise DataError(f"criticality score of {key!r} is {score!r}, expected a finite number")
        values[key] = value
    low, high = (min(values.values()), max(values.values())) if values else (0.0, 0.0)
    lines: list[dict[str, Any]] = []
    points: list[dict[str, Any]] = []
    for key, value in sorted(values.items(), key=lambda kv: kv[1]):
        element = index.find(key)
        colour = criticality_colour(value, low, high)
        label = key if isinstance(key, str) else "-".join(map(str, key))
        share = 0.0 if high <= low else (value - low) / (high - low)
        more_lines, more_points = _element_features(
            element,
            title=f"{label}: criticality {value:g}",
            rows=[["Criticality", f"{value:g}"]],
            extra={"col": colour, "w": round(3 + 6 * share, 1)},
        )
        lines += more_lines
        points += more_points
    group = _group(fmap, name)
    JsCall(
        "lines",
        fmap,
        layers={"group": group},
        data={"styles": {"element": {"weight": 5, "opacity": 0.9}}, "features": lines},
    ).add_to(group)
    dot = {"radius": 7, "color": "#222222", "weight": 1, "fillOpacity": 0.95}
    JsCall(
        "points", fmap, {"group": group}, {"styles": {"element": dot}, "features": points}
    ).add_to(group)
    _legend(
        fmap,
        name,
        [{"label": f"{low:g} to {high:g}", "kind": "ramp", "colours": list(CRITICALITY_COLOURS)}],
    )
    return group


def network_bounds(network: Network) -> list[list[float]]:
    """``[[south, west], [north, east]]`` of the road and rail nodes."""
    xs: list[float] = []
    ys: list[float] = []
    for graph in (network.road, network.rail):
        for _, data in graph.nodes(data=True):
            xs.append(float(data["x"]))
            ys.append(float(data["y"]))
    if not xs:
        return [[50.7, 3.3], [53.6, 7.3]]
    return [[min(ys), min(xs)], [max(ys), max(xs)]]
