"""A seeded, country-size synthetic OSM road and rail network over the Netherlands.

The real Netherlands extract is not available offline, so :func:`generate`
writes a PBF with the density and the shapes a loader meets in real OSM:

- **Motorways** along every spine of the corridor file (so the corridor
  places, which lie within the corridor buffers, are near roads) and along a
  dozen other Dutch motorways. Spine vertices closer than
  :data:`CLUSTER_M` are one point; the resulting graph is cut into sections
  between interchanges and ends. Each section is two one-way carriageways
  (``oneway=yes``, 15-20 m apart, ``ref=A..``, ``lanes``, ``maxspeed``) cut
  into ways of ``cut`` length. Every few km a junction: a
  ``highway=motorway_junction`` node (``ref``, ``name``) where an exit ramp
  leaves each carriageway and an entry ramp joins it, both one-way
  ``motorway_link`` ways to the nearest node of the mesh. At a vertex where
  three or more sections meet, an interchange: a one-way link from every
  incoming carriageway to every outgoing one (its diverge nodes named
  ``Knooppunt``). Motorway ends connect to the mesh the same way. Some
  carriageway stretches are bridges (``bridge=yes``, ``layer=1``, a name, a few
  with ``mlc``) and tunnels (``tunnel=yes``, ``layer=-1``, ADR category as
  ``hazmat:adr_tunnel`` or ``tunnel:category``, some with ``maxheight``).
  Every 12-25 km a rest or service area beside each carriageway, mapped as
  OSM maps them: a closed way of 160-260 by 35-60 m, ``highway=services``
  with ``hgv=yes`` and ``capacity:hgv`` (60 %) or ``highway=rest_area`` with
  only its outline (40 %), named.
- **A trunk/primary/secondary/tertiary mesh**: a jittered lattice (spacing by
  size) whose rows and columns are roads of one class each, two-way except a
  few one-way tertiary segments, 5 % of minor segments missing, roundabouts
  (a one-way ``junction=roundabout`` ring) at some crossings, bridges where a
  mesh road passes over a motorway (no shared node), some other named bridges
  (a few with ``maxweight`` or ``mlc``) and a few tunnels. Segments are cut into
  ways of ``cut`` length sharing end nodes, with shape nodes between.
- **Rail** along every corridor spine (``railway=rail``, ``usage=main``,
  ``electrified``, ``voltage``, ``maxspeed``, ``gauge``, ``tracks``), offset from
  the motorway, with named stations (``railway=station``) at the spine vertices
  and next to every rail place of the corridor file.

Node ids are drawn at random over the OSM id range and assigned in random
spatial order; nodes are written in id order, then ways.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import osmium
import shapely
from numpy.typing import NDArray
from shapely.geometry import LineString, box

import mobility

NL_BBOX = (3.4, 50.75, 7.2, 53.5)
MAX_NODE_ID = 12_500_000_000
MAX_WAY_ID = 1_400_000_000
LAT0 = 52.1
M_PER_DEG_LAT = 111_195.0
M_PER_DEG_LON = M_PER_DEG_LAT * math.cos(math.radians(LAT0))
#: Spine vertices closer than this are one interchange.
CLUSTER_M = 2500.0
#: Distance between rest or service areas along a motorway, each direction
#: (Dutch motorways have a verzorgingsplaats every 15-20 km or so).
REST_AREA_SPACING_M = (12_000.0, 25_000.0)
#: Carriageways end this far from an interchange vertex; links bridge the gap.
INTERCHANGE_TRIM_M = 400.0
#: Diverge and merge points sit this far before and after a junction.
RAMP_OFFSET_M = 300.0
#: Mesh nodes are pushed at least this far from a motorway centreline.
MESH_CLEARANCE_M = 150.0
#: Rail runs beside the road spines, shifted by this vector (metres east, north).
RAIL_SHIFT_M = (350.0, -350.0)
MESH_CLASSES = ("tertiary", "secondary", "primary", "trunk")
MESH_SPEEDS = {"tertiary": "60", "secondary": "80", "primary": "80", "trunk": "100"}

# Dutch motorways outside the corridor spines (approximate WGS84 polylines).
EXTRA_MOTORWAYS: dict[str, list[tuple[float, float]]] = {
    "A4": [
        (4.80, 52.33),
        (4.62, 52.20),
        (4.45, 52.10),
        (4.35, 52.03),
        (4.40, 51.95),
        (4.45, 51.872),
    ],
    "A2": [
        (4.90, 52.32),
        (5.00, 52.20),
        (5.05, 52.09),
        (5.20, 51.95),
        (5.30, 51.73),
        (5.40, 51.60),
        (5.481, 51.443),
    ],
    "A1": [(4.90, 52.32), (5.10, 52.28), (5.25, 52.20), (5.374, 52.153)],
    "A12": [(4.30, 52.07), (4.55, 52.04), (4.70, 52.02)],
    "A27": [
        (4.78, 51.596),
        (4.90, 51.75),
        (4.985, 51.848),
        (5.10, 52.00),
        (5.11, 52.089),
        (5.20, 52.25),
        (5.25, 52.37),
    ],
    "A6": [(5.25, 52.37), (5.45, 52.50), (5.75, 52.70), (5.85, 52.97)],
    "A7": [
        (4.80, 52.95),
        (5.10, 53.07),
        (5.40, 53.05),
        (5.85, 52.97),
        (6.10, 53.10),
        (6.565, 53.211),
    ],
    "A9": [(4.80, 52.33), (4.75, 52.45), (4.75, 52.63)],
    "A32": [(6.197, 52.692), (5.95, 52.95), (5.80, 53.20)],
    "A73": [(5.86, 51.84), (5.95, 51.65), (6.10, 51.45), (6.172, 51.365)],
    "A29": [(4.50, 51.86), (4.40, 51.70), (4.30, 51.60), (4.283, 51.448)],
    "A37": [(6.477, 52.733), (6.70, 52.75), (6.95, 52.78)],
    "A18": [(6.073, 51.928), (6.30, 51.97), (6.60, 52.05), (6.90, 52.20)],
    "A76": [(5.70, 51.25), (5.80, 51.10), (5.70, 50.85)],
}


@dataclass(frozen=True)
class SizeSpec:
    """How dense a generated network is.

    Attributes
    ----------
    mesh_spacing_m
        Lattice spacing of the trunk..tertiary mesh.
    cut_min_m, cut_max_m
        Length range of the ways roads are cut into.
    junction_min_m, junction_max_m
        Range of the distance between motorway junctions.
    """

    mesh_spacing_m: float
    cut_min_m: float
    cut_max_m: float
    junction_min_m: float
    junction_max_m: float


SIZES: dict[str, SizeSpec] = {
    "tiny": SizeSpec(25_000.0, 2_000.0, 5_000.0, 15_000.0, 25_000.0),
    "small": SizeSpec(8_000.0, 400.0, 1_600.0, 5_000.0, 9_000.0),
    "full": SizeSpec(1_000.0, 100.0, 500.0, 2_500.0, 5_000.0),
}


def to_metric(lon: float, lat: float) -> tuple[float, float]:
    """Local plane (metres east and north of the bounding box's south-west corner)."""
    return (lon - NL_BBOX[0]) * M_PER_DEG_LON, (lat - NL_BBOX[1]) * M_PER_DEG_LAT


@dataclass
class _Osm:
    """Nodes (metric positions, optional tags) and ways being generated."""

    x: list[float] = field(default_factory=list)
    y: list[float] = field(default_factory=list)
    node_tags: dict[int, dict[str, str]] = field(default_factory=dict)
    ways: list[tuple[list[int], dict[str, str]]] = field(default_factory=list)

    def node(self, x: float, y: float, tags: dict[str, str] | None = None) -> int:
        self.x.append(x)
        self.y.append(y)
        index = len(self.x) - 1
        if tags:
            self.node_tags[index] = tags
        return index

    def nodes(self, points: NDArray[np.float64]) -> list[int]:
        first = len(self.x)
        self.x.extend(points[:, 0].tolist())
        self.y.extend(points[:, 1].tolist())
        return list(range(first, len(self.x)))

    def way(self, refs: list[int], tags: dict[str, str]) -> None:
        self.ways.append((refs, tags))


class _Polyline:
    """A polyline in the metric plane with arc-length interpolation."""

    def __init__(self, points: NDArray[np.float64]) -> None:
        keep = np.r_[True, np.any(np.diff(points, axis=0) != 0, axis=1)]
        self.points = points[keep]
        steps = np.hypot(*np.diff(self.points, axis=0).T)
        self.arc = np.r_[0.0, np.cumsum(steps)]
        self.length = float(self.arc[-1])

    def at(self, s: NDArray[np.float64]) -> NDArray[np.float64]:
        return np.column_stack(
            [np.interp(s, self.arc, self.points[:, 0]), np.interp(s, self.arc, self.points[:, 1])]
        )

    def offset(self, distance_m: float) -> _Polyline:
        """The polyline shifted ``distance_m`` to its right (left when negative)."""
        d = np.diff(self.points, axis=0)
        d /= np.hypot(d[:, 0], d[:, 1])[:, None]
        right = np.column_stack([d[:, 1], -d[:, 0]])
        normals = np.vstack([right[:1], right[:-1] + right[1:], right[-1:]])
        normals /= np.hypot(normals[:, 0], normals[:, 1])[:, None]
        return _Polyline(self.points + distance_m * normals)

    def sub(self, start: float, end: float) -> _Polyline:
        inner = (self.arc > start) & (self.arc < end)
        return _Polyline(
            np.vstack([self.at(np.array([start])), self.points[inner], self.at(np.array([end]))])
        )

    def reversed(self) -> _Polyline:
        return _Polyline(self.points[::-1].copy())


def _cuts(
    rng: np.random.Generator, length: float, size: SizeSpec, forced: Sequence[float] = ()
) -> NDArray[np.float64]:
    """Sorted cut positions along a line: its ends, ``forced`` ones and random ones."""
    mean = (size.cut_min_m + size.cut_max_m) / 2
    steps = rng.uniform(size.cut_min_m, size.cut_max_m, int(length / mean) + 2)
    random_cuts = np.cumsum(steps)
    random_cuts = random_cuts[random_cuts < length - size.cut_min_m / 2]
    forced_array = np.array([f for f in forced if 0 < f < length])
    if len(forced_array):  # keep random cuts off forced ones (no 1 m ways)
        gap = np.min(np.abs(random_cuts[:, None] - forced_array[None, :]), axis=1)
        random_cuts = random_cuts[gap > 25.0]
    return np.unique(np.r_[0.0, forced_array, random_cuts, length])


def _emit(
    osm: _Osm,
    line: _Polyline,
    cuts: NDArray[np.float64],
    tags_of: Any,
    first: int | None = None,
    last: int | None = None,
    cut_tags: dict[float, dict[str, str]] | None = None,
) -> dict[float, int]:
    """Write ``line`` as ways between consecutive ``cuts``; return the node of each cut.

    ``tags_of(start, end)`` gives each way's tags; ``first``/``last`` are existing
    nodes for the ends; ``cut_tags`` tags the node at a cut position. A shape
    node sits at each vertex of the line between cuts, and one in the middle of
    ways longer than 200 m.
    """
    cut_tags = cut_tags or {}
    positions = line.at(cuts)
    cut_nodes: list[int] = []
    for i, (s, (px, py)) in enumerate(zip(cuts.tolist(), positions.tolist(), strict=True)):
        if i == 0 and first is not None:
            cut_nodes.append(first)
        elif i == len(cuts) - 1 and last is not None:
            cut_nodes.append(last)
        else:
            cut_nodes.append(osm.node(px, py, cut_tags.get(s)))
    for i in range(len(cuts) - 1):
        a, b = float(cuts[i]), float(cuts[i + 1])
        inner = line.arc[(line.arc > a) & (line.arc < b)]
        if len(inner) == 0 and b - a > 200.0:
            inner = np.array([(a + b) / 2])
        shape = osm.nodes(line.at(inner)) if len(inner) else []
        osm.way([cut_nodes[i], *shape, cut_nodes[i + 1]], tags_of(a, b))
    return dict(zip(cuts.tolist(), cut_nodes, strict=True))


def _spine_polylines(
    corridors: mobility.CorridorSet, frame: Any
) -> list[tuple[str, NDArray[np.float64], bool]]:
    """Motorway polylines (ref, metric points, whether a corridor spine), clipped to the frame."""
    roads: list[tuple[str, NDArray[np.float64], bool]] = []
    sources: list[tuple[str | None, tuple[tuple[float, float], ...]]] = [
        (None, spine) for c in corridors.corridors.values() for spine in c.spines
    ]
    sources += [(ref, tuple(points)) for ref, points in EXTRA_MOTORWAYS.items()]
    for ref, spine in sources:
        line = LineString([to_metric(lon, lat) for lon, lat in spine]).intersection(frame)
        for part in getattr(line, "geoms", [line]):
            if part.is_empty or part.length < 1000:
                continue
            roads.append((ref or "", np.asarray(part.coords), ref is None))
    return roads


def _cluster(points: list[NDArray[np.float64]]) -> tuple[list[list[int]], NDArray[np.float64]]:
    """Vertex ids of each polyline after merging vertices closer than CLUSTER_M."""
    centres: list[tuple[float, float]] = []
    ids: list[list[int]] = []
    for polyline in points:
        row = []
        for px, py in polyline.tolist():
            near = [
                i for i, (cx, cy) in enumerate(centres) if math.hypot(px - cx, py - cy) < CLUSTER_M
            ]
            if near:
                row.append(near[0])
            else:
                centres.append((px, py))
                row.append(len(centres) - 1)
        ids.append([v for v, _ in itertools.groupby(row)])
    return ids, np.array(centres)


def _chains(edges: dict[tuple[int, int], str]) -> list[tuple[list[int], str]]:
    """Split the vertex graph into chains between vertices of degree other than 2."""
    adjacency: dict[int, list[int]] = {}
    for a, b in edges:
        adjacency.setdefault(a, []).append(b)
        adjacency.setdefault(b, []).append(a)
    seen: set[tuple[int, int]] = set()
    chains: list[tuple[list[int], str]] = []
    starts = [v for v, n in adjacency.items() if len(n) != 2] + list(adjacency)
    for start in starts:
        for nxt in adjacency[start]:
            if (min(start, nxt), max(start, nxt)) in seen:
                continue
            chain = [start, nxt]
            seen.add((min(start, nxt), max(start, nxt)))
            while len(adjacency[chain[-1]]) == 2 and chain[-1] != start:
                a, b = adjacency[chain[-1]]
                step = b if a == chain[-2] else a
                key = (min(chain[-1], step), max(chain[-1], step))
                if key in seen:
                    break
                seen.add(key)
                chain.append(step)
            ref = edges.get((chain[0], chain[1])) or edges.get((chain[1], chain[0])) or ""
            chains.append((chain, ref))
    return chains


@dataclass
class _Section:
    """One motorway section between two vertices: its centreline and carriageway nodes."""

    ref: str
    start: int
    end: int
    forward_first: int = -1
    forward_last: int = -1
    backward_first: int = -1
    backward_last: int = -1


@dataclass
class _Ramp:
    """A one-way link between a carriageway node and a mesh lattice node."""

    node: int
    lattice: int
    to_mesh: bool
    tags: dict[str, str]


@dataclass
class _Generator:
    """State of one generation run."""

    rng: np.random.Generator
    size: SizeSpec
    #: Draws of the rest areas (their own, so the roads are drawn as without them).
    rest_rng: np.random.Generator
    osm: _Osm = field(default_factory=_Osm)
    ramps: list[_Ramp] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    def count(self, key: str, n: int = 1) -> None:
        self.counts[key] = self.counts.get(key, 0) + n


def _structures(
    gen: _Generator, length: float, avoid: list[float], ref: str
) -> list[tuple[float, float, dict[str, str]]]:
    """Bridge and tunnel intervals (centreline arc) along a motorway section."""
    rng = gen.rng
    found: list[tuple[float, float, dict[str, str]]] = []
    s = float(rng.uniform(3_000, 20_000))
    while s < length - 2_000:
        tunnel = rng.random() < 0.2
        span = float(rng.uniform(400, 1_500) if tunnel else rng.uniform(150, 600))
        if all(abs(a - s) > span + RAMP_OFFSET_M + 100 for a in avoid):
            k = gen.counts.get("motorway_structures", 0) + 1
            if tunnel:
                tags = {"tunnel": "yes", "layer": "-1", "name": f"{ref}-tunnel {k}"}
                category = str(rng.choice(["A", "B", "C", "D", "E"]))
                tags["hazmat:adr_tunnel" if k % 2 else "tunnel:category"] = category
                if rng.random() < 0.3:
                    tags["maxheight"] = "4.6"
                gen.count("motorway_tunnels")
            else:
                tags = {"bridge": "yes", "layer": "1", "name": f"Brug {ref} {k}"}
                if rng.random() < 0.1:
                    tags["mlc"] = str(rng.choice(["80", "100"]))
                gen.count("motorway_bridges")
            gen.count("motorway_structures")
            found.append((s, s + span, tags))
        s += float(rng.uniform(15_000, 40_000))
    return found


def _carriageway(
    gen: _Generator,
    line: _Polyline,
    to_line: Any,
    base: dict[str, str],
    points: dict[str, list[float]],
    structures: list[tuple[float, float, dict[str, str]]],
    names: dict[float, dict[str, str]],
) -> dict[float, int]:
    """Emit one carriageway; positions are centreline arcs mapped by ``to_line``."""
    intervals = [(to_line(a), to_line(b), tags) for a, b, tags in structures]
    intervals = [(min(a, b), max(a, b), tags) for a, b, tags in intervals]
    forced = [p for a, b, _ in intervals for p in (a, b)]
    forced += [to_line(p) for key in ("diverge", "merge") for p in points[key]]
    cuts = _cuts(gen.rng, line.length, gen.size, forced)

    cut_tags = {to_line(p): tags for p, tags in names.items()}
    return _emit(gen.osm, line, cuts, _interval_tags(base, intervals), cut_tags=cut_tags)


def _section(
    gen: _Generator,
    ref: str,
    centre: _Polyline,
    trims: tuple[float, float],
    lattice_tree: Any,
) -> _Section:
    """Emit both carriageways of a section with its junctions; return its end nodes."""
    rng, size = gen.rng, gen.size
    length = centre.length
    t0, t1 = (min(t, length / 4) for t in trims)
    separation = float(rng.uniform(15.0, 20.0))
    lanes = str(rng.choice(["2", "2", "3", "4"]))
    base = {
        "highway": "motorway",
        "oneway": "yes",
        "ref": ref,
        "lanes": lanes,
        "maxspeed": str(rng.choice(["100", "120", "130"])),
    }
    junctions: list[float] = []
    s = t0 + float(rng.uniform(1_000, size.junction_max_m))
    while s < length - t1 - 1_000:
        junctions.append(s)
        s += float(rng.uniform(size.junction_min_m, size.junction_max_m))
    structures = _structures(gen, length, junctions, ref)
    forward_line = centre.offset(separation / 2).sub(t0, length - t1)
    backward_line = centre.offset(-separation / 2).reversed().sub(t1, length - t0)
    section = _Section(ref, -1, -1)
    fwd_names: dict[float, dict[str, str]] = {}
    bwd_names: dict[float, dict[str, str]] = {}
    for exit_no, s in enumerate(junctions, start=1):
        tags = {
            "highway": "motorway_junction",
            "ref": str(exit_no),
            "name": f"{ref} afrit {exit_no}",
        }
        fwd_names[s - RAMP_OFFSET_M] = tags
        bwd_names[s + RAMP_OFFSET_M] = tags
    before = [s - RAMP_OFFSET_M for s in junctions]
    after = [s + RAMP_OFFSET_M for s in junctions]
    fwd_points = {"diverge": before, "merge": after}
    bwd_points = {"diverge": after, "merge": before}

    def on_forward(p: float) -> float:
        return p - t0

    def on_backward(p: float) -> float:
        return length - p - t1

    fwd = _carriageway(gen, forward_line, on_forward, base, fwd_points, structures, fwd_names)
    bwd = _carriageway(gen, backward_line, on_backward, base, bwd_points, structures, bwd_names)
    _rest_areas(gen, centre, (t0, length - t1), separation, ref, junctions)
    section.forward_first, section.forward_last = fwd[0.0], fwd[max(fwd)]
    section.backward_first, section.backward_last = bwd[0.0], bwd[max(bwd)]
    link = {"highway": "motorway_link", "oneway": "yes", "lanes": "1", "maxspeed": "70"}
    if junctions:
        _, nearest = lattice_tree.query(centre.at(np.array(junctions)))
        for s, lattice in zip(junctions, nearest.tolist(), strict=True):
            ahead, behind = s + RAMP_OFFSET_M, s - RAMP_OFFSET_M
            gen.ramps.append(_Ramp(fwd[on_forward(behind)], lattice, True, link))
            gen.ramps.append(_Ramp(fwd[on_forward(ahead)], lattice, False, link))
            gen.ramps.append(_Ramp(bwd[on_backward(ahead)], lattice, True, link))
            gen.ramps.append(_Ramp(bwd[on_backward(behind)], lattice, False, link))
    gen.count("motorway_junctions", len(junctions))
    gen.count("motorway_km", int(length / 1000))
    return section


def _rest_areas(
    gen: _Generator,
    centre: _Polyline,
    span: tuple[float, float],
    separation: float,
    ref: str,
    junctions: list[float],
) -> None:
    """Rest and service areas beside both carriageways of a section, away from junctions."""
    rng = gen.rest_rng
    start, end = span
    s = start + float(rng.uniform(*REST_AREA_SPACING_M)) / 2
    while s < end - 1_000:
        if all(abs(s - j) > 1_000 for j in junctions):
            for side in (1.0, -1.0):
                _rest_area(gen, centre, s + 300.0 * side, side, separation, ref)
        s += float(rng.uniform(*REST_AREA_SPACING_M))


def _rest_area(
    gen: _Generator, centre: _Polyline, s: float, side: float, separation: float, ref: str
) -> None:
    """One area as a closed way beside the carriageway on ``side`` (1: right, -1: left)."""
    rng = gen.rest_rng
    length, depth = float(rng.uniform(160, 260)), float(rng.uniform(35, 60))
    a, b = centre.at(np.array([s - length / 2, s + length / 2]))
    direction = (b - a) / max(float(np.hypot(*(b - a))), 1e-9)
    normal = side * np.array([direction[1], -direction[0]])
    near = separation / 2 + 40.0
    corners = [a + near * normal, b + near * normal]
    corners += [b + (near + depth) * normal, a + (near + depth) * normal]
    refs = [gen.osm.node(float(x), float(y)) for x, y in corners]
    k = gen.counts.get("rest_areas", 0) + 1
    if rng.random() < 0.6:
        tags = {
            "highway": "services",
            "name": f"Verzorgingsplaats {ref} {k}",
            "hgv": "yes",
            "capacity:hgv": str(int(rng.integers(12, 61))),
        }
    else:
        tags = {"highway": "rest_area", "name": f"Parkeerplaats {ref} {k}"}
    gen.osm.way([*refs, refs[0]], tags)
    gen.count("rest_areas")


@dataclass
class _Lattice:
    """Mesh lattice: positions, nodes, and which crossings are roundabouts."""

    nx: int
    ny: int
    xy: NDArray[np.float64]  # (nx * ny, 2)
    node: list[int] = field(default_factory=list)
    rings: dict[int, list[int]] = field(default_factory=dict)

    def index(self, i: int, j: int) -> int:
        return j * self.nx + i


def _lattice(gen: _Generator, width: float, height: float, motorways: list[LineString]) -> _Lattice:
    """Jittered lattice positions, pushed off the motorway centrelines."""
    g = gen.size.mesh_spacing_m
    nx_, ny_ = int(width / g) + 1, int(height / g) + 1
    jj, ii = np.divmod(np.arange(nx_ * ny_), nx_)
    xy = np.column_stack([ii * g, jj * g]) + gen.rng.uniform(-0.2 * g, 0.2 * g, (nx_ * ny_, 2))
    xy[:, 0] = np.clip(xy[:, 0], 0.0, width)
    xy[:, 1] = np.clip(xy[:, 1], 0.0, height)
    tree = shapely.STRtree(motorways)
    points = shapely.points(xy)
    pairs = tree.query(points, predicate="dwithin", distance=MESH_CLEARANCE_M)
    for p, m in zip(pairs[0].tolist(), pairs[1].tolist(), strict=True):
        line = motorways[m]
        near = line.interpolate(line.project(shapely.Point(xy[p])))
        away = xy[p] - np.array([near.x, near.y])
        norm = float(np.hypot(*away))
        if norm < 1e-6:
            away, norm = np.array([0.0, 1.0]), 1.0
        xy[p] = np.array([near.x, near.y]) + away / norm * MESH_CLEARANCE_M * 1.05
    return _Lattice(nx_, ny_, xy)


def _mesh_nodes(gen: _Generator, lattice: _Lattice, taken: set[int]) -> None:
    """Lattice nodes; roundabout rings at some crossings not used by a junction."""
    osm = gen.osm
    lattice.node = osm.nodes(lattice.xy)
    radius = 30.0
    angles = np.radians(np.arange(8) * 45.0)
    for index in range(len(lattice.xy)):
        if index in taken or gen.rng.random() >= 0.12:
            continue
        i, j = index % lattice.nx, index // lattice.nx
        rank = max(_mesh_class(i), _mesh_class(j))
        cx, cy = lattice.xy[index]
        ring = osm.nodes(
            np.column_stack([cx + radius * np.cos(angles), cy + radius * np.sin(angles)])
        )
        tags = {"highway": MESH_CLASSES[rank], "junction": "roundabout", "maxspeed": "50"}
        osm.way([*ring, ring[0]], tags)  # counter-clockwise, as driven in the Netherlands
        lattice.rings[index] = ring
        gen.count("roundabouts")


def _mesh_class(k: int) -> int:
    """Class rank (index into MESH_CLASSES) of lattice row or column ``k``."""
    if k % 16 == 8:
        return 3
    if k % 4 == 0:
        return 2
    return 1 if k % 2 == 0 else 0


def _end(lattice: _Lattice, index: int, direction: int) -> tuple[int, NDArray[np.float64]]:
    """Node and position where a segment leaving crossing ``index`` toward ``direction`` starts.

    Directions: 0 east, 2 north, 4 west, 6 south (the ring node at that angle).
    """
    ring = lattice.rings.get(index)
    if ring is None:
        return lattice.node[index], lattice.xy[index]
    angle = math.radians(direction * 45.0)
    return ring[direction], lattice.xy[index] + 30.0 * np.array([math.cos(angle), math.sin(angle)])


def _mesh_segments(
    gen: _Generator, lattice: _Lattice
) -> list[tuple[int, int, NDArray[np.float64], int]]:
    """Segments kept: (start node, end node, polyline points, class rank)."""
    rng, g = gen.rng, gen.size.mesh_spacing_m
    segments = []
    for j in range(lattice.ny):
        for i in range(lattice.nx):
            a = lattice.index(i, j)
            for di, dj, out, back in ((1, 0, 0, 4), (0, 1, 2, 6)):
                if i + di >= lattice.nx or j + dj >= lattice.ny:
                    continue
                rank = _mesh_class(j if dj == 0 else i)
                if rank <= 1 and rng.random() < 0.05:
                    gen.count("mesh_segments_removed")
                    continue
                b = lattice.index(i + di, j + dj)
                na, pa = _end(lattice, a, out)
                nb, pb = _end(lattice, b, back)
                d = pb - pa
                normal = np.array([-d[1], d[0]]) / max(float(np.hypot(*d)), 1.0)
                mid = (pa + pb) / 2 + normal * rng.uniform(-0.05, 0.05) * g
                segments.append((na, nb, np.vstack([pa, mid, pb]), rank))
    return segments


def _mesh_tags(gen: _Generator, rank: int, k: int) -> dict[str, str]:
    tags = {"highway": MESH_CLASSES[rank], "maxspeed": MESH_SPEEDS[MESH_CLASSES[rank]]}
    if rank >= 2:
        tags["ref"] = f"N{100 + k % 400}"
        tags["lanes"] = "2"
    elif rank == 1 and k % 3 == 0:
        tags["ref"] = f"N{500 + k % 400}"
    return tags


def _interval_tags(
    base: dict[str, str], intervals: list[tuple[float, float, dict[str, str]]]
) -> Any:
    """``tags_of(start, end)``: ``base`` plus the tags of the interval holding the way's middle."""

    def tags_of(a: float, b: float) -> dict[str, str]:
        middle = (a + b) / 2
        for start, end, extra in intervals:
            if start <= middle <= end:
                return {**base, **extra}
        return base

    return tags_of


def _mesh(gen: _Generator, lattice: _Lattice, motorways: list[LineString]) -> None:
    """Emit the mesh: segments cut into ways, with bridges, tunnels and one-way stretches."""
    rng = gen.rng
    segments = _mesh_segments(gen, lattice)
    lines = shapely.linestrings([points for _, _, points, _ in segments])
    crossing: dict[int, list[float]] = {}
    tree = shapely.STRtree(lines)
    for motorway in motorways:
        for index in tree.query(motorway, predicate="intersects").tolist():
            hit = shapely.intersection(lines[index], motorway)
            for point in getattr(hit, "geoms", [hit]):
                if isinstance(point, shapely.Point):
                    crossing.setdefault(index, []).append(float(lines[index].project(point)))
    base_tags: dict[tuple[int, int, bool], dict[str, str]] = {}
    for index, (na, nb, points, rank) in enumerate(segments):
        line = _Polyline(points)
        oneway = rank == 0 and rng.random() < 0.02
        key = (rank, index % 97 if rank >= 1 else 0, oneway)
        if key not in base_tags:
            base_tags[key] = _mesh_tags(gen, rank, index) | ({"oneway": "yes"} if oneway else {})
        base = base_tags[key]
        intervals = []
        for s in crossing.get(index, []):
            a, b = max(s - 60.0, 5.0), min(s + 60.0, line.length - 5.0)
            gen.count("mesh_bridges_over_motorways")
            intervals.append((a, b, {"bridge": "yes", "layer": "1"}))
        draw = rng.random()
        if not intervals and draw < 0.02:
            half = float(rng.uniform(50.0, 150.0) if draw < 0.018 else rng.uniform(100.0, 300.0))
            middle = line.length / 2
            k = gen.counts.get("mesh_structures", 0) + 1
            gen.count("mesh_structures")
            if draw < 0.018:
                extra = {"bridge": "yes", "layer": "1", "name": f"Brug {k}"}
                if rng.random() < 0.3:
                    limit = rng.choice(
                        ["maxweight=30", "maxweight=40", "mlc=50", "mlc=70", "mlc=40"]
                    )
                    name, value = str(limit).split("=")
                    extra[name] = value
                    gen.count("mesh_bridges_with_limit")
                gen.count("mesh_bridges")
            else:
                extra = {"tunnel": "yes", "layer": "-1", "name": f"Tunnel {k}"}
                if rng.random() < 0.5:
                    extra["tunnel:category"] = str(rng.choice(["A", "B", "C", "D", "E"]))
                gen.count("mesh_tunnels")
            intervals.append((middle - half, middle + half, extra))
        if oneway and index % 2:  # one-way stretches point both ways across the mesh
            line, na, nb = line.reversed(), nb, na
            intervals = [(line.length - b, line.length - a, extra) for a, b, extra in intervals]
        forced = [p for a, b, _ in intervals for p in (a, b)]
        cuts = _cuts(rng, line.length, gen.size, forced)
        _emit(gen.osm, line, cuts, _interval_tags(base, intervals), first=na, last=nb)
        gen.count("mesh_segments")


def _link(
    gen: _Generator, start: int, end: int, bend: NDArray[np.float64], tags: dict[str, str]
) -> None:
    """A one-way link way from node ``start`` to node ``end`` through ``bend``."""
    osm = gen.osm
    a = np.array([osm.x[start], osm.y[start]])
    b = np.array([osm.x[end], osm.y[end]])
    line = _Polyline(np.vstack([a, bend, b]))
    _emit(osm, line, np.array([0.0, line.length]), lambda _a, _b: tags, first=start, last=end)
    gen.count("links")


def _interchanges(
    gen: _Generator, sections: list[_Section], centres: NDArray[np.float64], degree: dict[int, int]
) -> None:
    """Links from every incoming carriageway to every outgoing one at each interchange."""
    incoming: dict[int, list[tuple[int, int]]] = {}
    outgoing: dict[int, list[tuple[int, int]]] = {}
    for k, section in enumerate(sections):
        incoming.setdefault(section.end, []).append((k, section.forward_last))
        outgoing.setdefault(section.end, []).append((k, section.backward_first))
        incoming.setdefault(section.start, []).append((k, section.backward_last))
        outgoing.setdefault(section.start, []).append((k, section.forward_first))
    link = {"highway": "motorway_link", "oneway": "yes", "lanes": "1", "maxspeed": "80"}
    osm = gen.osm
    for vertex, ins in incoming.items():
        if degree[vertex] < 2:
            continue
        gen.count("interchanges")
        centre = centres[vertex]
        for k_in, node_in in ins:
            tags = {"highway": "motorway_junction", "name": f"Knooppunt {vertex}"}
            osm.node_tags[node_in] = tags
            for k_out, node_out in outgoing[vertex]:
                if k_out == k_in:
                    continue
                a = np.array([osm.x[node_in], osm.y[node_in]])
                b = np.array([osm.x[node_out], osm.y[node_out]])
                bend = centre + 0.35 * (a - centre) + 0.35 * (b - centre)
                _link(gen, node_in, node_out, bend, link)


def _terminals(
    gen: _Generator, sections: list[_Section], degree: dict[int, int], lattice_tree: Any
) -> None:
    """Motorway ends (degree 1): ramps to and from the nearest mesh crossing."""
    osm = gen.osm
    link = {"highway": "motorway_link", "oneway": "yes", "lanes": "1", "maxspeed": "70"}
    for section in sections:
        for vertex, node_in, node_out in (
            (section.end, section.forward_last, section.backward_first),
            (section.start, section.backward_last, section.forward_first),
        ):
            if degree[vertex] != 1:
                continue
            _, lattice = lattice_tree.query([osm.x[node_in], osm.y[node_in]])
            gen.ramps.append(_Ramp(node_in, int(lattice), True, link))
            gen.ramps.append(_Ramp(node_out, int(lattice), False, link))
            gen.count("motorway_ends")


def _emit_ramps(gen: _Generator, lattice: _Lattice) -> None:
    osm = gen.osm
    for ramp in gen.ramps:
        mesh = lattice.node[ramp.lattice]
        ring = lattice.rings.get(ramp.lattice)
        if ring is not None:  # never chosen for a junction, but keep ramps on a real node
            mesh = ring[0]
        a = np.array([osm.x[ramp.node], osm.y[ramp.node]])
        b = np.array([osm.x[mesh], osm.y[mesh]])
        d = b - a
        side = np.array([d[1], -d[0]]) / max(float(np.hypot(*d)), 1.0)
        bend = (a + b) / 2 + side * 40.0 * (1 if ramp.to_mesh else -1)
        if ramp.to_mesh:
            _link(gen, ramp.node, mesh, bend, ramp.tags)
        else:
            _link(gen, mesh, ramp.node, bend, ramp.tags)


def _rail(
    gen: _Generator,
    polylines: list[list[int]],
    centres: NDArray[np.float64],
    corridors: mobility.CorridorSet,
) -> None:
    """Rail lines along the corridor spines, with stations at vertices and rail places."""
    rng, osm = gen.rng, gen.osm
    shift = np.array(RAIL_SHIFT_M)
    edges = sorted(
        {(min(a, b), max(a, b)) for ids in polylines for a, b in itertools.pairwise(ids)}
    )
    vertex_node = {
        v: osm.node(
            float(centres[v][0] + shift[0]),
            float(centres[v][1] + shift[1]),
            {"railway": "station", "name": f"Station {v}"},
        )
        for v in sorted({v for edge in edges for v in edge})
    }
    lines = [_Polyline(np.vstack([centres[a] + shift, centres[b] + shift])) for a, b in edges]
    stations: dict[int, dict[float, dict[str, str]]] = {}
    shapes = [LineString(line.points) for line in lines]
    for place in corridors.places:
        if place.mode != "rail":
            continue
        point = shapely.Point(to_metric(place.lon, place.lat))
        distances = [shape.distance(point) for shape in shapes]
        best = int(np.argmin(distances))
        if distances[best] > 5_000:
            continue
        s = float(shapes[best].project(point))
        if 50.0 < s < lines[best].length - 50.0:
            stations.setdefault(best, {})[s] = {
                "railway": "station",
                "name": f"{place.name} station",
            }
            gen.count("rail_stations_at_places")
    for k, ((a, b), line) in enumerate(zip(edges, lines, strict=True)):
        kind = rng.random()
        tags = {"railway": "rail", "usage": "main", "gauge": "1435", "name": f"Spoorlijn {k}"}
        if kind < 0.1:
            tags |= {"electrified": "no", "tracks": "1", "maxspeed": "100"}
        elif kind < 0.3:
            tags |= {"electrified": "contact_line", "voltage": "25000", "frequency": "50"}
            tags |= {"tracks": "2", "maxspeed": "120"}
        else:
            tags |= {"electrified": "contact_line", "voltage": "1500", "frequency": "0"}
            tags |= {"tracks": "2", "maxspeed": str(rng.choice(["120", "140"]))}
        size = SizeSpec(0, 800.0, 2_500.0, 0, 0)
        named = stations.get(k, {})
        cuts = _cuts(rng, line.length, size, list(named))
        _emit(osm, line, cuts, lambda _a, _b, t=tags: t, vertex_node[a], vertex_node[b], named)
        gen.count("rail_km", int(line.length / 1000))
    gen.count("rail_lines", len(edges))


def _write(path: Path, osm: _Osm, rng: np.random.Generator) -> None:
    """Write nodes (ids spread over the OSM range, in random spatial order) and ways."""
    n = len(osm.x)
    ids = rng.permutation(np.sort(rng.choice(MAX_NODE_ID, size=n, replace=False)) + 1)
    way_ids = np.sort(rng.choice(MAX_WAY_ID, size=len(osm.ways), replace=False)) + 1
    lon = np.asarray(osm.x) / M_PER_DEG_LON + NL_BBOX[0]
    lat = np.asarray(osm.y) / M_PER_DEG_LAT + NL_BBOX[1]
    order = np.argsort(ids)
    if path.exists():
        path.unlink()
    path.parent.mkdir(parents=True, exist_ok=True)
    tags = osm.node_tags
    with osmium.SimpleWriter(str(path)) as writer:
        new_node = osmium.osm.mutable.Node
        for index, node_id, x, y in zip(
            order.tolist(),
            ids[order].tolist(),
            lon[order].tolist(),
            lat[order].tolist(),
            strict=True,
        ):
            if index in tags:
                writer.add_node(new_node(id=node_id, location=(x, y), tags=tags[index]))
            else:
                writer.add_node(new_node(id=node_id, location=(x, y)))
        new_way = osmium.osm.mutable.Way
        for way_id, (refs, way_tags) in zip(way_ids.tolist(), osm.ways, strict=True):
            writer.add_way(new_way(id=way_id, nodes=ids[refs].tolist(), tags=way_tags))


def generate(path: Path, size: str = "small", seed: int = 13) -> dict[str, Any]:
    """Write the synthetic network of ``size`` (a key of :data:`SIZES`) to ``path``.

    Returns the generator's counts: ways, nodes, motorway km and junctions,
    interchanges, roundabouts, structures, rail km.
    """
    spec = SIZES[size]
    gen = _Generator(np.random.default_rng(seed), spec, np.random.default_rng([seed, 1]))
    width, height = to_metric(NL_BBOX[2], NL_BBOX[3])
    frame = box(1_000.0, 1_000.0, width - 1_000.0, height - 1_000.0)
    corridors = mobility.load_corridors()
    polylines = _spine_polylines(corridors, frame)
    ids, centres = _cluster([points for _, points, _ in polylines])
    edges: dict[tuple[int, int], str] = {}
    for (ref, _, _), row in zip(polylines, ids, strict=True):
        for a, b in itertools.pairwise(row):
            edges.setdefault((min(a, b), max(a, b)), ref)
    chains = _chains(edges)
    degree: dict[int, int] = {}
    for chain, _ in chains:
        for end in (chain[0], chain[-1]):
            degree[end] = degree.get(end, 0) + 1
    centrelines = [LineString(centres[chain]) for chain, _ in chains]
    lattice = _lattice(gen, width, height, centrelines)
    from scipy.spatial import cKDTree

    lattice_tree = cKDTree(lattice.xy)
    sections = []
    numbers = itertools.count(10)
    for chain, ref in chains:
        start_trim, end_trim = (
            INTERCHANGE_TRIM_M if degree[v] >= 2 else 200.0 for v in (chain[0], chain[-1])
        )
        centre = _Polyline(centres[chain])
        name = ref or f"A{next(numbers)}"
        section = _section(gen, name, centre, (start_trim, end_trim), lattice_tree)
        section.start, section.end = chain[0], chain[-1]
        sections.append(section)
    _interchanges(gen, sections, centres, degree)
    _terminals(gen, sections, degree, lattice_tree)
    _mesh_nodes(gen, lattice, {ramp.lattice for ramp in gen.ramps})
    _emit_ramps(gen, lattice)
    _mesh(gen, lattice, centrelines)
    _rail(
        gen,
        [row for (_, _, spine), row in zip(polylines, ids, strict=True) if spine],
        centres,
        corridors,
    )
    _write(path, gen.osm, gen.rng)
    return {
        "size": size,
        "seed": seed,
        "ways": len(gen.osm.ways),
        "nodes": len(gen.osm.x),
        "motorway_sections": len(sections),
        "file_mb": path.stat().st_size / 1e6,
        **dict(sorted(gen.counts.items())),
    }
