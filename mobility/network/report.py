"""The load report: what a load read, kept, dropped and could not parse."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any

from mobility.network._tags import TagIssue
from mobility.network.restrictions import EDGE_ATTRIBUTE, TurnRestriction

#: Examples of unparsed values kept per OSM key.
MAX_EXAMPLES_PER_KEY = 5


@dataclass
class FragmentSummary:
    """Connected components of one graph and what the fragment policy did."""

    policy: str
    components: int = 0
    kept: int = 0
    dropped: int = 0
    dropped_length_m: float = 0.0


@dataclass
class LoadReport:
    """What a network load read, kept, dropped and could not parse.

    Attributes
    ----------
    source
        The input (a path, or ``"embedded atlas"``).
    input_format
        ``osm-xml``, ``osm-pbf``, ``shapefile``, ``osmnx-graphml`` or ``osmnx-gpkg``.
    ways_read
        Ways in the input (``None`` where the reader filters before counting).
    ways_kept
        Ways kept per mode after tag filtering.
    refs_without_location
        Node references with no node in the input (extract cut at its edge).
    refs_outside_corridors
        Node references dropped by clipping to the corridor polygons.
    unparsed
        Count of unparseable values per OSM key.
    unparsed_examples
        A few examples per key: way id, raw value, reason.
    fragments
        Fragment policy outcome per mode.
    consolidated_nodes
        Nodes before and after junction consolidation per mode.
    unattached_places
        Corridor places farther than the attach distance from the loaded
        network (a partial extract, or a place outside it).
    one_way_places
        Corridor places attached outside the strongly connected core of their
        graph, each with what it allows: ``entry only`` (it reaches the core,
        nothing comes back: the start of a carriageway entering the extract) or
        ``exit only`` (it is reached from the core and leads nowhere).
    notes
        What the reader assumed about the input (a shapefile without ``.prj``
        read as WGS84).
    turn_restrictions
        Turn restriction relations by outcome: ``read``, ``binding`` (apply
        to columns), ``on_graph`` (binding and on a road edge of the loaded
        graph, after clipping, consolidation and fragment dropping), and
        the reasons others are not applied (``not_binding``, ``conditional``,
        ``via_way``: unsupported, ``unknown_value``, ``incomplete``).
    """

    source: str
    input_format: str
    ways_read: int | None = None
    ways_kept: dict[str, int] = field(default_factory=dict)
    refs_without_location: int = 0
    refs_outside_corridors: int = 0
    unparsed: Counter[str] = field(default_factory=Counter)
    unparsed_examples: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    fragments: dict[str, FragmentSummary] = field(default_factory=dict)
    consolidated_nodes: dict[str, tuple[int, int]] = field(default_factory=dict)
    unattached_places: list[str] = field(default_factory=list)
    one_way_places: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    turn_restrictions: dict[str, int] = field(default_factory=dict)

    def count_restrictions(self, restrictions: list[TurnRestriction], attached: set[int]) -> None:
        """Count turn restrictions by status; ``attached``: relation ids on the graph."""
        counts = Counter(str(item.status) for item in restrictions)
        self.turn_restrictions = {"read": len(restrictions), **counts}
        self.turn_restrictions["on_graph"] = len(attached)

    def count_restrictions_on_graph(self, graph: Any) -> None:
        """Recount the restrictions still on the graph's edges (after consolidation)."""
        if not self.turn_restrictions:
            return
        relations = {
            relation
            for _, _, entries in graph.edges(data=EDGE_ATTRIBUTE)
            for relation, _, _ in entries or ()
        }
        self.turn_restrictions["on_graph"] = len(relations)

    def add_issues(self, way_id: int, issues: list[TagIssue]) -> None:
        """Count unparsed tag values of one way and keep a few examples."""
        for issue in issues:
            self.unparsed[issue.key] += 1
            examples = self.unparsed_examples.setdefault(issue.key, [])
            if len(examples) < MAX_EXAMPLES_PER_KEY:
                examples.append({"way": way_id, "raw": issue.raw, "reason": issue.reason})

    @property
    def unparsed_total(self) -> int:
        """Number of unparsed tag values."""
        return sum(self.unparsed.values())

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dictionary."""
        data = asdict(self)
        data["unparsed"] = dict(self.unparsed)
        data["unparsed_total"] = self.unparsed_total
        return data

    def lines(self) -> list[str]:
        """Return the report as human-readable lines."""
        read = "?" if self.ways_read is None else f"{self.ways_read:,}"
        kept = ", ".join(f"{mode} {count:,}" for mode, count in self.ways_kept.items())
        out = [
            f"source: {self.source} ({self.input_format})",
            f"ways read: {read}; kept: {kept}",
            f"node refs without location: {self.refs_without_location:,}; "
            f"outside corridors: {self.refs_outside_corridors:,}"
            + (" (--no-clip keeps them)" if self.refs_outside_corridors else ""),
        ]
        out.extend(f"note: {note}" for note in self.notes)
        for mode, summary in self.fragments.items():
            out.append(
                f"{mode} fragments ({summary.policy}): {summary.components} components, "
                f"kept {summary.kept}, dropped {summary.dropped} "
                f"({summary.dropped_length_m / 1000:.1f} km)"
            )
        for mode, (before, after) in self.consolidated_nodes.items():
            out.append(f"{mode} junction consolidation: {before:,} -> {after:,} nodes")
        if self.unattached_places:
            names = ", ".join(self.unattached_places[:6])
            more = len(self.unattached_places) - 6
            out.append(
                f"corridor places not on the loaded network: {len(self.unattached_places)} "
                f"({names}{f', and {more} more' if more > 0 else ''})"
            )
        if self.one_way_places:
            out.append(
                f"corridor places at a one-way end of the network: {len(self.one_way_places)} "
                f"({', '.join(self.one_way_places)})"
            )
        if self.turn_restrictions.get("read"):
            counts = self.turn_restrictions
            skipped = ", ".join(
                f"{counts[key]:,} {key.replace('_', ' ')}"
                for key in ("not_binding", "conditional", "via_way", "unknown_value", "incomplete")
                if counts.get(key)
            )
            out.append(
                f"turn restrictions: {counts['read']:,} read, {counts.get('binding', 0):,} "
                f"bind columns, {counts.get('on_graph', 0):,} on the road graph"
                + (f"; not applied: {skipped}" if skipped else "")
            )
        out.append(f"unparsed tag values: {self.unparsed_total:,}")
        for key, count in self.unparsed.most_common():
            examples = "; ".join(
                f"way {e['way']}: {e['raw']!r}" for e in self.unparsed_examples.get(key, [])
            )
            out.append(f"  {key}: {count:,} (e.g. {examples})")
        return out
