"""Turn loose lines (shapefile, GeoPackage) into a node-sharing network.

Lines without node ids become ways with synthetic nodes: identical vertices
of lines of the same mode are one node, and a *dead end* (a line end that no
other line touches) within the tolerance of another line is joined to it:

- to the nearest point of the nearest line of the same mode, be it an end (a
  gap between two ways, joined across layers, since layers change at way
  ends), or, within the same layer, a vertex or a point inside a segment: that
  line is then split there by a new shared node (a T-junction drawn with a gap);
- a dead end snaps once; once another end has joined it, it is no longer a
  dead end and stays where it is (two parallel tracks never fuse);
- a group never holds two points of one line, so a short connecting line is
  never collapsed into a point;
- a group sits on the point of the line it snapped to, or, when it is made of
  dead ends only, at their centroid, and every member stays within the
  tolerance of that position: groups cannot chain wider than the tolerance.

Candidates are found with a shapely STRtree and measured in a local
transverse Mercator projection; only the joining itself loops in Python, over
the (few) dead ends near another line.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
import shapely
from numpy.typing import NDArray
from pyproj import Transformer

logger = logging.getLogger(__name__)

#: A split point this close (along the line) to a vertex or an earlier split reuses it.
VERTEX_REUSE_M = 1.0
#: Vertices closer than this are the same node (shared OSM nodes are identical).
IDENTITY_M = 0.01


@dataclass
class SnappedLines:
    """Lines as node references, and where their nodes lie.

    Attributes
    ----------
    refs
        Node ids of each line, in order (splits inserted, repeats removed).
    node_lon, node_lat
        WGS84 position of node ``i``.
    dead_ends_joined
        Dead ends joined to another line's vertex or end.
    lines_split
        Split points inserted into line interiors.
    """

    refs: list[list[int]]
    node_lon: NDArray[np.float64]
    node_lat: NDArray[np.float64]
    dead_ends_joined: int = 0
    lines_split: int = 0


@dataclass
class _Group:
    members: list[int]
    lines: set[int]
    fixed: bool
    xy: NDArray[np.float64]


def _local_transformer(lon: NDArray[np.float64], lat: NDArray[np.float64]) -> Transformer:
    lon0, lat0 = float(np.mean(lon)), float(np.mean(lat))
    return Transformer.from_crs(
        "EPSG:4326",
        f"+proj=tmerc +lat_0={lat0:.6f} +lon_0={lon0:.6f} +k=1 +x_0=0 +y_0=0 +ellps=WGS84",
        always_xy=True,
    )


def snap_lines(
    lines: list[NDArray[np.float64]],
    modes: NDArray[np.int64],
    layers: NDArray[np.int64],
    tolerance_m: float,
) -> SnappedLines:
    """Give every vertex a node and join dead ends to nearby lines.

    Parameters
    ----------
    lines
        WGS84 coordinates of each line, shape ``(n_i, 2)`` with ``n_i >= 2``.
    modes
        Mode label per line: lines of different modes share no node.
    layers
        Layer per line: a dead end joins the inside of a line of its own layer
        only (ends join across layers).
    tolerance_m
        Largest gap joined; 0 joins identical vertices only.

    Returns
    -------
    SnappedLines
        Node references per line and node positions.
    """
    lengths = np.array([len(line) for line in lines], dtype=np.int64)
    lonlat = np.concatenate(lines)
    line_of_vertex = np.repeat(np.arange(len(lines)), lengths)
    to_local = _local_transformer(lonlat[:, 0], lonlat[:, 1])
    x, y = to_local.transform(lonlat[:, 0], lonlat[:, 1])
    xy = np.column_stack([x, y])
    keys = np.column_stack([modes[line_of_vertex], np.round(xy / IDENTITY_M).astype(np.int64)])
    _, first, vertex_node = np.unique(keys, axis=0, return_index=True, return_inverse=True)
    vertex_node = vertex_node.ravel().astype(np.int64)
    node_xy = xy[first]
    snapper = _Snapper(lengths, xy, vertex_node, node_xy, line_of_vertex, tolerance_m)
    if tolerance_m > 0:
        snapper.join_dead_ends(modes, layers)
    return snapper.result(lonlat[first], to_local)


class _Snapper:
    """Union of nodes into groups under the rules of the module docstring."""

    def __init__(
        self,
        lengths: NDArray[np.int64],
        xy: NDArray[np.float64],
        vertex_node: NDArray[np.int64],
        node_xy: NDArray[np.float64],
        line_of_vertex: NDArray[np.int64],
        tolerance_m: float,
    ) -> None:
        self.lengths = lengths
        self.offsets = np.concatenate([[0], np.cumsum(lengths)])
        self.xy = xy
        self.vertex_node = vertex_node
        self.node_xy = node_xy
        self.line_of_vertex = line_of_vertex
        self.tolerance_m = tolerance_m
        self.reuse_m = min(VERTEX_REUSE_M, tolerance_m / 4)
        self.parent: dict[int, int] = {}
        self.groups: dict[int, _Group] = {}
        self.splits: dict[int, list[tuple[float, int]]] = {}
        self.split_xy: list[NDArray[np.float64]] = []
        self.joined = 0
        self.is_dead_end = np.zeros(len(node_xy), dtype=bool)
        step = np.hypot(*np.diff(xy, axis=0).T)
        step[self.offsets[1:-1] - 1] = 0.0
        cumulative = np.concatenate([[0.0], np.cumsum(step)])
        #: Distance of each vertex from the start of its line.
        self.cumulative = cumulative - np.repeat(cumulative[self.offsets[:-1]], lengths)
        order = np.argsort(vertex_node, kind="stable")
        self._lines_by_node = (
            line_of_vertex[order],
            np.searchsorted(vertex_node[order], np.arange(len(node_xy) + 1)),
        )

    def _lines_of(self, node: int) -> set[int]:
        lines, starts = self._lines_by_node
        return set(lines[starts[node] : starts[node + 1]].tolist())

    def _find(self, node: int) -> int:
        while node in self.parent:
            node = self.parent[node]
        return node

    def _group(self, root: int) -> _Group:
        group = self.groups.get(root)
        if group is None:
            fixed = root >= len(self.node_xy) or not self.is_dead_end[root]
            group = _Group([root], self._lines_of(root), fixed, self._xy_of(root))
            self.groups[root] = group
        return group

    def _xy_of(self, node: int) -> NDArray[np.float64]:
        if node < len(self.node_xy):
            position: NDArray[np.float64] = self.node_xy[node]
            return position
        return self.split_xy[node - len(self.node_xy)]

    def join_dead_ends(self, modes: NDArray[np.int64], layers: NDArray[np.int64]) -> None:
        """Find dead ends near other lines and join each to its nearest target."""
        counts = np.bincount(self.vertex_node, minlength=len(self.node_xy))
        ends = np.concatenate([self.offsets[:-1], self.offsets[1:] - 1])
        ends = ends[counts[self.vertex_node[ends]] == 1]
        self.is_dead_end[self.vertex_node[ends]] = True
        if len(ends) == 0:
            return
        geometries = shapely.linestrings(self.xy, indices=self.line_of_vertex)
        points = shapely.points(self.xy[ends])
        tree = shapely.STRtree(geometries)
        end_index, line = tree.query(points, predicate="dwithin", distance=self.tolerance_m)
        own = self.line_of_vertex[ends[end_index]]
        same = (line != own) & (modes[line] == modes[own])
        end_index, line, own = end_index[same], line[same], own[same]
        along = shapely.line_locate_point(geometries[line], points[end_index])
        vertex = self._nearest_vertex_along(line, along)
        # Layers change at way ends: an end-to-end gap joins across layers, a line's
        # inside only within its own layer (no join onto a line crossing above or below).
        at_end = (vertex == self.offsets[line]) | (vertex == self.offsets[line + 1] - 1)
        keep = at_end | (layers[line] == layers[own])
        end_index, line, along, vertex = end_index[keep], line[keep], along[keep], vertex[keep]
        distance = shapely.distance(points[end_index], geometries[line])
        target = shapely.get_coordinates(shapely.line_interpolate_point(geometries[line], along))
        for i in np.argsort(distance, kind="stable").tolist():
            self._try_join(
                int(self.vertex_node[ends[end_index[i]]]),
                int(line[i]),
                float(along[i]),
                target[i],
                int(vertex[i]),
            )

    def _nearest_vertex_along(
        self, line: NDArray[np.int64], along: NDArray[np.float64]
    ) -> NDArray[np.int64]:
        """Global index of the vertex of ``line`` nearest ``along``, or -1 if farther than reuse."""
        cumulative = self.cumulative
        span = float(cumulative.max()) + 10 * self.tolerance_m + 1.0
        keyed = cumulative + self.line_of_vertex * span
        wanted = along + line * span
        right = np.clip(np.searchsorted(keyed, wanted), 0, len(keyed) - 1)
        left = np.clip(right - 1, 0, len(keyed) - 1)
        best = np.where(np.abs(keyed[left] - wanted) < np.abs(keyed[right] - wanted), left, right)
        near = (np.abs(keyed[best] - wanted) <= self.reuse_m) & (self.line_of_vertex[best] == line)
        return np.where(near, best, -1)

    def _try_join(
        self, end: int, line: int, along: float, target: NDArray[np.float64], vertex: int
    ) -> None:
        root = self._find(end)
        group = self._group(root)
        if root != end or len(group.members) > 1:
            return  # already joined: no longer a dead end
        if vertex >= 0:
            other_root = self._find(int(self.vertex_node[vertex]))
        else:
            reuse = [n for s, n in self.splits.get(line, []) if abs(s - along) <= self.reuse_m]
            other_root = self._find(reuse[0]) if reuse else -1
        if other_root == root:
            return
        if other_root < 0:
            other = _Group([], {line}, True, np.asarray(target, dtype=np.float64))
        else:
            other = self._group(other_root)
        if group.lines & other.lines:
            return
        # A fixed target stays put; a group of dead ends sits at their centroid.
        members = group.members if other.fixed else group.members + other.members
        members_xy = np.array([self._xy_of(n) for n in members])
        position = other.xy if other.fixed else members_xy.mean(axis=0)
        if np.hypot(*(members_xy - position).T).max() > self.tolerance_m:
            return
        if other_root < 0:
            other_root = len(self.node_xy) + len(self.split_xy)
            self.split_xy.append(other.xy)
            self.splits.setdefault(line, []).append((along, other_root))
            other.members = [other_root]
            self.groups[other_root] = other
        self.parent[root] = other_root
        other.members.extend(group.members)
        other.lines |= group.lines
        other.xy = position
        del self.groups[root]
        self.joined += 1

    def result(self, node_lonlat: NDArray[np.float64], to_local: Transformer) -> SnappedLines:
        """Node references per line, with splits inserted, and node positions."""
        n_nodes = len(self.node_xy) + len(self.split_xy)
        lon = np.concatenate([node_lonlat[:, 0], np.zeros(len(self.split_xy))])
        lat = np.concatenate([node_lonlat[:, 1], np.zeros(len(self.split_xy))])
        root_of = np.arange(n_nodes)
        for node in self.parent:
            root_of[node] = self._find(node)
        # Fixed vertices keep their exact input position; centroids and splits are new.
        moved = [
            (r, g)
            for r, g in self.groups.items()
            if r >= len(self.node_xy) or (not g.fixed and len(g.members) > 1)
        ]
        if moved:
            roots = np.array([r for r, _ in moved])
            gx, gy = np.array([g.xy for _, g in moved]).T
            glon, glat = to_local.transform(gx, gy, direction="INVERSE")
            lon[roots], lat[roots] = glon, glat
        used, compact = np.unique(root_of, return_inverse=True)
        compact = compact.ravel()
        refs: list[list[int]] = []
        for i in range(len(self.lengths)):
            nodes = self.vertex_node[self.offsets[i] : self.offsets[i + 1]].tolist()
            splits = self.splits.get(i)
            if splits:
                nodes = self._insert_splits(i, nodes, splits)
            line_refs = compact[root_of[nodes]].tolist()
            refs.append([r for k, r in enumerate(line_refs) if k == 0 or r != line_refs[k - 1]])
        return SnappedLines(
            refs=refs,
            node_lon=lon[used],
            node_lat=lat[used],
            dead_ends_joined=self.joined,
            lines_split=len(self.split_xy),
        )

    def _insert_splits(
        self, line: int, nodes: list[int], splits: list[tuple[float, int]]
    ) -> list[int]:
        cumulative = self.cumulative[self.offsets[line] : self.offsets[line + 1]]
        out: list[int] = []
        ordered = sorted(splits)
        k = 0
        for i, node in enumerate(nodes):
            while k < len(ordered) and ordered[k][0] < cumulative[i]:
                out.append(ordered[k][1])
                k += 1
            out.append(node)
        out.extend(n for _, n in ordered[k:])
        return out
