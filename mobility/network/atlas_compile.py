"""Compile the hand-written atlas sources into the embedded OSM XML atlas.

The curated corridor atlas is written by hand in ``data/atlas/roads.yaml`` and
``data/atlas/rail.yaml`` (points, roads or lines as paths of points, bridges
and tunnels as stretches of a road) and compiled into
``mobility/data/corridor-atlas.osm`` (package data, so that an installed
wheel has it), an ordinary OSM XML file that flows through the same loader as
a real extract; the sources are only in a source checkout. Ids are assigned
deterministically, so the compiled file changes only when the sources do.

Run ``python -m mobility.network.atlas_compile`` after editing the sources, or
with ``--check`` to validate them and verify the compiled file is current.
"""

from __future__ import annotations

import argparse
import itertools
import math
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from xml.sax.saxutils import quoteattr

import networkx as nx
import yaml

from mobility import settings
from mobility._atomic import write_text_atomic
from mobility.errors import DataError

#: Consecutive points of a path farther apart than this are reported.
MAX_POINT_SPACING_M = 5000.0
SOURCE_FILES = ("roads.yaml", "rail.yaml")
#: The hand-written sources, in the top-level ``data/`` of a source checkout.
SOURCE_DIR = settings.project_root / "data" / "atlas"


@dataclass
class _Compiled:
    nodes: dict[str, tuple[int, float, float, dict[str, str]]] = field(default_factory=dict)
    ways: list[tuple[int, list[int], dict[str, str]]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    next_id: int = 1

    def new_id(self) -> int:
        value = self.next_id
        self.next_id += 1
        return value


def _distance_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    lon1, lat1, lon2, lat2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6_371_008.8 * math.asin(math.sqrt(h))


def _tags(raw: Any, where: str) -> dict[str, str]:
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        raise DataError(f"{where}: 'tags' must be a mapping of OSM tags")
    return {str(k): str(v).lower() if isinstance(v, bool) else str(v) for k, v in raw.items()}


def _provenance(entry: Mapping[str, Any], where: str, problems: list[str]) -> dict[str, str]:
    tags = _dates(entry, where, problems)
    if entry.get("source"):
        tags["mobility:source"] = str(entry["source"])
    if entry.get("assumption"):
        tags["mobility:assumption"] = str(entry["assumption"])
    if not tags:
        problems.append(f"{where}: needs 'source' or 'assumption'")
    return tags


def _dates(entry: Mapping[str, Any], where: str, problems: list[str]) -> dict[str, str]:
    """``valid_from``/``valid_to`` of an element as ``mobility:`` tags (ISO dates)."""
    tags = {}
    for key in ("valid_from", "valid_to"):
        value = entry.get(key)
        if value is None:
            continue
        try:
            tags[f"mobility:{key}"] = date.fromisoformat(str(value)).isoformat()
        except ValueError:
            problems.append(f"{where}: {key} {value!r} is not an ISO date (YYYY-MM-DD)")
    return tags


def _is_halt_site(tags: Mapping[str, str]) -> bool:
    return tags.get("highway") in ("rest_area", "services") or tags.get("amenity") == "parking"


def _compile_file(
    document: Mapping[str, Any], origin: str, compiled: _Compiled, prefix: str
) -> None:
    """Add one source file's points and ways (cut at its structures) to ``compiled``."""
    _compile_points(document, origin, compiled, prefix)
    paths, way_tags = _read_paths(document, origin, compiled)
    structures_by_way = _read_structures(document, origin, compiled, paths)
    for way_id, path in paths.items():
        where = f"{origin}: {way_id}"
        node_ids, coords = _path_nodes(path, where, compiled, prefix)
        _check_spacing(coords, where, compiled.problems)
        # Split the path at structures: each structure is a way of its own.
        structures = structures_by_way.get(way_id, {})
        cut_points = sorted({0, len(node_ids) - 1, *structures, *(i + 1 for i in structures)})
        for a, b in itertools.pairwise(cut_points):
            tags = dict(way_tags[way_id])
            if a in structures:
                tags.update(structures[a])
            compiled.ways.append((compiled.new_id(), node_ids[a : b + 1], tags))


def _compile_points(
    document: Mapping[str, Any], origin: str, compiled: _Compiled, prefix: str
) -> None:
    """Add the named points (with their tags and provenance) as nodes."""
    points = document.get("points") or {}
    if not isinstance(points, Mapping):
        raise DataError(f"{origin}: 'points' must be a mapping of point keys")
    for key, raw in points.items():
        where = f"{origin}: point {key!r}"
        if not isinstance(raw, Mapping) or "lon" not in raw or "lat" not in raw:
            raise DataError(f"{where}: expected a mapping with lon and lat")
        tags = _tags(raw.get("tags"), where)
        if raw.get("name"):
            tags["name"] = str(raw["name"])
        if raw.get("source") or raw.get("assumption") or _is_halt_site(tags):
            # Rest and service areas are facts or assumptions like roads: say which.
            tags |= _provenance(raw, where, compiled.problems)
        compiled.nodes[f"{prefix}:{key}"] = (
            compiled.new_id(),
            float(raw["lon"]),
            float(raw["lat"]),
            tags,
        )


def _read_paths(
    document: Mapping[str, Any], origin: str, compiled: _Compiled
) -> tuple[dict[str, list[Any]], dict[str, dict[str, str]]]:
    """Return the paths and tags of the roads (or rail lines), by way id."""
    list_key = "roads" if "roads" in document else "lines"
    paths: dict[str, list[Any]] = {}
    way_tags: dict[str, dict[str, str]] = {}
    for index, raw in enumerate(document.get(list_key) or []):
        where = f"{origin}: {list_key}[{index}]"
        if not isinstance(raw, Mapping) or "id" not in raw or "path" not in raw:
            raise DataError(f"{where}: expected a mapping with id, tags and path")
        way_id = str(raw["id"])
        if way_id in paths:
            compiled.problems.append(f"{where}: duplicate id {way_id!r}")
        path = raw["path"]
        if not isinstance(path, Sequence) or len(path) < 2:
            raise DataError(f"{where} ({way_id}): path needs at least two points")
        paths[way_id] = list(path)
        way_tags[way_id] = _tags(raw.get("tags"), where) | _provenance(
            raw, f"{where} ({way_id})", compiled.problems
        )
    return paths, way_tags


def _read_structures(
    document: Mapping[str, Any], origin: str, compiled: _Compiled, paths: Mapping[str, list[Any]]
) -> dict[str, dict[int, dict[str, str]]]:
    """Tags of each bridge or tunnel, by way id and position of its first point in the path."""
    structures_by_way: dict[str, dict[int, dict[str, str]]] = {}
    for index, raw in enumerate(document.get("structures") or []):
        where = f"{origin}: structures[{index}] ({raw.get('id', '?')})"
        road, start, end = str(raw.get("road")), raw.get("from"), raw.get("to")
        path = paths.get(road)
        if path is None:
            compiled.problems.append(f"{where}: unknown road {road!r}")
            continue
        positions = [i for i in range(len(path) - 1) if path[i] == start and path[i + 1] == end]
        if len(positions) != 1:
            compiled.problems.append(
                f"{where}: {start!r} -> {end!r} is not one adjacent pair of road {road!r}'s path"
            )
            continue
        tags = _tags(raw.get("tags"), where) | _provenance(raw, where, compiled.problems)
        structures_by_way.setdefault(road, {})[positions[0]] = tags
    return structures_by_way


def _path_nodes(
    path: Sequence[Any], where: str, compiled: _Compiled, prefix: str
) -> tuple[list[int], list[tuple[float, float]]]:
    """Node ids and positions of a path of point keys and ``[lon, lat]`` pairs (new nodes)."""
    node_ids: list[int] = []
    coords: list[tuple[float, float]] = []
    for step in path:
        if isinstance(step, str):
            node = compiled.nodes.get(f"{prefix}:{step}")
            if node is None:
                compiled.problems.append(f"{where}: unknown point {step!r}")
                continue
            node_ids.append(node[0])
            coords.append((node[1], node[2]))
        elif isinstance(step, Sequence) and len(step) == 2:
            node_id = compiled.new_id()
            compiled.nodes[f"{prefix}:#{node_id}"] = (node_id, float(step[0]), float(step[1]), {})
            node_ids.append(node_id)
            coords.append((float(step[0]), float(step[1])))
        else:
            compiled.problems.append(f"{where}: path step {step!r} is neither a key nor [lon, lat]")
    return node_ids, coords


def _check_spacing(coords: Sequence[tuple[float, float]], where: str, problems: list[str]) -> None:
    """Report consecutive points farther apart than :data:`MAX_POINT_SPACING_M`."""
    for here, there in itertools.pairwise(coords):
        gap = _distance_m(here, there)
        if gap > MAX_POINT_SPACING_M:
            problems.append(
                f"{where}: points {here} and {there} are {gap / 1000:.1f} km apart "
                f"(max {MAX_POINT_SPACING_M / 1000:.0f} km)"
            )


def _part_label(part: set[int], key_of: Mapping[int, str]) -> str:
    """Return a readable point key of a network part (a named one if possible)."""
    named = sorted(key_of[n] for n in part if "#" not in key_of[n])
    return named[0] if named else key_of[min(part)]


def compile_atlas(source_dir: Path) -> tuple[str, list[str]]:
    """Compile the atlas sources in ``source_dir`` into OSM XML.

    Returns
    -------
    xml
        The OSM XML text.
    problems
        Validation problems (missing keys, non-adjacent structures, sparse
        points, disconnected networks, missing provenance).
    """
    compiled = _Compiled()
    for name in SOURCE_FILES:
        path = source_dir / name
        if not path.is_file():
            compiled.problems.append(f"{path}: missing")
            continue
        try:
            document = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as error:
            raise DataError(f"atlas source {str(path)!r} is not valid YAML: {error}") from error
        _compile_file(document or {}, str(path), compiled, prefix=path.stem)
    for prefix in ("roads", "rail"):
        graph = nx.Graph()
        members = {node[0] for key, node in compiled.nodes.items() if key.startswith(prefix + ":")}
        for _, refs, _ in compiled.ways:
            if refs and refs[0] in members:
                nx.add_path(graph, refs)
        if graph.number_of_nodes() and not nx.is_connected(graph):
            parts = sorted(nx.connected_components(graph), key=len, reverse=True)
            key_of = {node[0]: key for key, node in compiled.nodes.items()}
            compiled.problems.append(
                f"{prefix}: network has {len(parts)} separate parts; the smaller ones contain "
                + ", ".join(_part_label(part, key_of) for part in parts[1:8])
            )
    lines = [
        "<?xml version='1.0' encoding='UTF-8'?>",
        "<!-- Curated corridor atlas of the mobility project, compiled from data/atlas/*.yaml.",
        "     Written from public facts; positions approximate; see data/README.md. -->",
        "<osm version='0.6' generator='mobility atlas_compile'>",
    ]
    for node_id, lon, lat, tags in sorted(compiled.nodes.values()):
        if tags:
            lines.append(f"  <node id='{node_id}' lat='{lat:.6f}' lon='{lon:.6f}' version='1'>")
            lines.extend(
                f"    <tag k={quoteattr(k)} v={quoteattr(v)}/>" for k, v in sorted(tags.items())
            )
            lines.append("  </node>")
        else:
            lines.append(f"  <node id='{node_id}' lat='{lat:.6f}' lon='{lon:.6f}' version='1'/>")
    for way_id, refs, tags in compiled.ways:
        lines.append(f"  <way id='{way_id}' version='1'>")
        lines.extend(f"    <nd ref='{ref}'/>" for ref in refs)
        lines.extend(
            f"    <tag k={quoteattr(k)} v={quoteattr(v)}/>" for k, v in sorted(tags.items())
        )
        lines.append("  </way>")
    lines.append("</osm>")
    return "\n".join(lines) + "\n", compiled.problems


def main(argv: Sequence[str] | None = None) -> int:
    """Compile (or with ``--check`` validate) the atlas; return an exit code."""
    parser = argparse.ArgumentParser(
        prog="python -m mobility.network.atlas_compile", description=__doc__
    )
    parser.add_argument(
        "--check", action="store_true", help="validate only; fail if the compiled file is stale"
    )
    parser.add_argument("--source", type=Path, default=SOURCE_DIR)
    parser.add_argument("--out", type=Path, default=settings.data_dir / "corridor-atlas.osm")
    args = parser.parse_args(argv)
    xml, problems = compile_atlas(args.source)
    for problem in problems:
        print(f"problem: {problem}", file=sys.stderr)
    if args.check:
        current = args.out.read_text(encoding="utf-8") if args.out.is_file() else ""
        if current != xml:
            print(
                f"{args.out} is not up to date with {args.source}; run without --check",
                file=sys.stderr,
            )
            return 1
        return 1 if problems else 0
    if problems:
        print("not written: fix the problems above", file=sys.stderr)
        return 1
    write_text_atomic(args.out, xml)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
