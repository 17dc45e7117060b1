from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mobility.network.restrictions import (
    NO_RESTRICTIONS,
    ONLY_RESTRICTIONS,
    is_restriction_relation,
    parse_restriction,
)

MEMBERS = [("way", 1, "from"), ("node", 5, "via"), ("way", 2, "to")]


@pytest.mark.parametrize(
    ("tags", "value", "status"),
    [
        ({"type": "restriction", "restriction": "no_left_turn"}, "no_left_turn", "binding"),
        (
            {"type": "restriction", "restriction": "no_left_turn", "except": "psv;bicycle"},
            "no_left_turn",
            "binding",
        ),
        (
            {"type": "restriction", "restriction": "no_left_turn", "except": "bicycle; hgv"},
            "no_left_turn",
            "not_binding",
        ),
        (
            {
                "type": "restriction",
                "restriction": "no_u_turn",
                "restriction:hgv": "only_right_turn",
            },
            "only_right_turn",
            "binding",
        ),
        ({"type": "restriction:hgv", "restriction": "no_right_turn"}, "no_right_turn", "binding"),
        (
            {"type": "restriction", "restriction:motor_vehicle": "only_straight_on"},
            "only_straight_on",
            "binding",
        ),
        ({"type": "restriction", "restriction:motorcar": "no_left_turn"}, "", "not_binding"),
        ({"type": "restriction", "restriction:bus": "no_left_turn"}, "", "not_binding"),
        (
            {"type": "restriction", "restriction:conditional": "no_left_turn @ (Mo-Fr)"},
            "no_left_turn @ (Mo-Fr)",
            "conditional",
        ),
        ({"type": "restriction", "restriction": "no_parking"}, "no_parking", "unknown_value"),
    ],
)
def test_which_restrictions_bind_columns(tags: dict[str, str], value: str, status: str) -> None:
    parsed = parse_restriction(7, tags, MEMBERS)
    assert (parsed.restriction, parsed.status) == (value, status)
    assert parsed.from_ways == (1,) and parsed.via_nodes == (5,) and parsed.to_ways == (2,)


def test_members_decide_support() -> None:
    tags = {"type": "restriction", "restriction": "no_left_turn"}
    via_way = parse_restriction(1, tags, [("w", 1, "from"), ("w", 3, "via"), ("w", 2, "to")])
    assert via_way.status == "via_way" and via_way.via_ways == (3,)
    assert parse_restriction(2, tags, [("w", 1, "from"), ("n", 5, "via")]).status == "incomplete"
    no_entry = parse_restriction(
        3,
        {"type": "restriction", "restriction": "no_entry"},
        [("w", 1, "from"), ("w", 4, "from"), ("n", 5, "via"), ("w", 2, "to")],
    )
    assert no_entry.status == "binding" and no_entry.from_ways == (1, 4)
    assert not is_restriction_relation({"type": "route"})


@given(
    st.sampled_from(sorted(NO_RESTRICTIONS | ONLY_RESTRICTIONS)),
    st.lists(st.sampled_from(["psv", "bicycle", "motorcar", "emergency", "hgv"]), max_size=4),
)
def test_only_an_hgv_exemption_releases_columns(value: str, exempt: list[str]) -> None:
    tags = {"type": "restriction", "restriction": value, "except": ";".join(exempt)}
    parsed = parse_restriction(1, tags, MEMBERS)
    assert parsed.status == ("not_binding" if "hgv" in exempt else "binding")
    assert parsed.is_only == value.startswith("only_")
