"""OSM turn restrictions (``type=restriction`` relations) and which bind a column.

A restriction relation names a ``from`` way, a ``via`` node (or, rarely, via
ways) and a ``to`` way; ``no_*`` values forbid that turn, ``only_*`` values
forbid every other exit from the ``from`` way at the via node. The readers
turn relations into :class:`TurnRestriction` records (in
:class:`~mobility.network._osm_data.OsmWays`); the graph builder stores them on
the graph edges they start from (see :data:`EDGE_ATTRIBUTE`), so that they
survive junction consolidation and edge splits, and routing resolves them to
pairs of edges.

Which restrictions bind a military column (decided here, documented in the
README): columns are treated as heavy goods vehicles (``hgv``).

- ``restriction:hgv`` binds and wins over ``restriction``;
  ``type=restriction:hgv`` relations bind as well.
- ``restriction:motor_vehicle`` and ``restriction:vehicle`` bind (they cover
  lorries); ``restriction:motorcar``, ``:bus``, ``:bicycle`` and other
  vehicle-specific keys alone do not.
- Plain ``restriction`` binds unless ``except`` lists ``hgv`` (an exemption for
  ``psv;bicycle`` still binds lorries).
- ``restriction:conditional`` (time or weight dependent) is not applied and is
  counted as such; a planner checks those by hand.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

#: Edge attribute holding the restrictions that start from the edge at its head node:
#: a tuple of ``(relation_id, restriction, to_way_id)``.
EDGE_ATTRIBUTE = "turn_restrictions"
#: Relation types read as turn restrictions.
RELATION_TYPES = frozenset({"restriction", "restriction:hgv"})
NO_RESTRICTIONS = frozenset(
    {"no_left_turn", "no_right_turn", "no_straight_on", "no_u_turn", "no_entry", "no_exit"}
)
ONLY_RESTRICTIONS = frozenset(
    {"only_left_turn", "only_right_turn", "only_straight_on", "only_u_turn"}
)
#: Vehicle-specific keys that bind columns, strongest first.
BINDING_KEYS = ("restriction:hgv", "restriction:motor_vehicle", "restriction:vehicle")

Status = Literal["binding", "not_binding", "conditional", "via_way", "unknown_value", "incomplete"]


@dataclass(frozen=True)
class TurnRestriction:
    """One restriction relation as the readers found it.

    Attributes
    ----------
    relation_id
        OSM relation id.
    restriction
        The value that applies to columns (``no_left_turn``, ``only_straight_on``,
        ...), or the raw value where it does not apply.
    from_ways, to_ways
        Way ids of the ``from`` and ``to`` members (``no_entry`` may have
        several ``from``, ``no_exit`` several ``to``).
    via_nodes, via_ways
        Ids of the ``via`` members.
    status
        ``binding`` where it applies to columns and has the members it needs;
        otherwise why not (``not_binding``: an exemption or another vehicle
        type; ``conditional``; ``via_way``: via ways are not supported;
        ``unknown_value``; ``incomplete``: a member is missing).
    """

    relation_id: int
    restriction: str
    from_ways: tuple[int, ...]
    via_nodes: tuple[int, ...]
    via_ways: tuple[int, ...]
    to_ways: tuple[int, ...]
    status: Status

    @property
    def is_only(self) -> bool:
        """Whether it is an ``only_*`` restriction (every other exit is forbidden)."""
        return self.restriction.startswith("only_")


def is_restriction_relation(tags: Mapping[str, str]) -> bool:
    """Whether a relation's tags make it a turn restriction."""
    return tags.get("type") in RELATION_TYPES


def _column_value(tags: Mapping[str, str]) -> tuple[str | None, Status | None]:
    """Return the restriction value binding a column, or why there is none."""
    for key in BINDING_KEYS:
        if tags.get(key):
            return tags[key].strip(), None
    plain = tags.get("restriction", "").strip()
    if tags.get("type") == "restriction:hgv" and plain:
        return plain, None
    if plain:
        exempt = {part.strip() for part in tags.get("except", "").split(";")}
        if "hgv" in exempt:
            return None, "not_binding"
        return plain, None
    if tags.get("restriction:conditional"):
        return None, "conditional"
    return None, "not_binding"


def parse_restriction(
    relation_id: int, tags: Mapping[str, str], members: Iterable[tuple[str, int, str]]
) -> TurnRestriction:
    """Turn one restriction relation into a :class:`TurnRestriction`.

    Parameters
    ----------
    relation_id
        OSM relation id.
    tags
        The relation's tags.
    members
        ``(type, ref, role)`` of each member, ``type`` being ``n``/``node``,
        ``w``/``way`` or ``r``/``relation``.
    """
    roles: dict[tuple[str, str], list[int]] = {}
    for kind, ref, role in members:
        roles.setdefault((kind[:1], role), []).append(int(ref))
    from_ways = tuple(roles.get(("w", "from"), ()))
    to_ways = tuple(roles.get(("w", "to"), ()))
    via_nodes = tuple(roles.get(("n", "via"), ()))
    via_ways = tuple(roles.get(("w", "via"), ()))
    value, status = _column_value(tags)
    raw = value or tags.get("restriction") or tags.get("restriction:conditional") or ""
    if status is None:
        if value not in NO_RESTRICTIONS | ONLY_RESTRICTIONS:
            status = "unknown_value"
        elif via_ways:
            status = "via_way"
        elif not from_ways or not to_ways or len(via_nodes) != 1:
            status = "incomplete"
        else:
            status = "binding"
    return TurnRestriction(
        relation_id=relation_id,
        restriction=raw,
        from_ways=from_ways,
        via_nodes=via_nodes,
        via_ways=via_ways,
        to_ways=to_ways,
        status=status,
    )
