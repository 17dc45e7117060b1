"""The validator re-derives where a train's road leg ends as the planner does."""

from __future__ import annotations

from types import SimpleNamespace
from typing import cast

import mobility
from mobility.routing.router import Router
from mobility.schedule.rail_options import RailContext, _anchor
from mobility.validation.road import road_leg_end


def test_the_road_leg_end_is_the_planners_anchor_for_every_terminal(
    atlas: mobility.Network,
) -> None:
    # Waalhaven's nearest road place is a junction without an id: the Defender
    # plan's trains from it were once flagged "does not end at a place".
    router = Router(atlas)
    context = cast(RailContext, SimpleNamespace(network=atlas, anchors={}))
    terminals = [p for p in atlas.corridors.places if p.kind in ("rail_terminal", "ramp")]
    assert len(terminals) >= 10
    unnamed = 0
    for terminal in terminals:
        anchor = _anchor(context, terminal)
        unnamed += not anchor.place_id
        end = road_leg_end(router, terminal.id)
        assert end is not None, terminal.id
        assert end.node == anchor.node, (terminal.id, end.name, anchor.name)
        assert router.place("road", end.place_id or end.name).node == anchor.node
    assert unnamed >= 1


def test_an_unknown_terminal_has_no_road_leg_end(atlas: mobility.Network) -> None:
    assert road_leg_end(Router(atlas), "rt-nowhere") is None
