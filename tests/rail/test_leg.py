"""A rail leg holds together only as a train can run it: its band, headways and times."""

from __future__ import annotations

from dataclasses import replace

import pytest

import mobility
from mobility.rail.consist import Train
from mobility.rail.leg import RailLeg
from mobility.rail.paths import train_path
from mobility.rail.rules import load_rail_rules
from mobility.routing.router import Router


@pytest.fixture(scope="module")
def leg() -> RailLeg:
    rules = load_rail_rules()
    network = mobility.load_network()
    plan = Router(network).route(
        "rt-maasvlakte", "bcp-rail-venlo-kaldenkirchen", "leopard-2a7", mode="rail", k=1
    )
    path = train_path(plan.routes[0], rules)
    places = {place.id: place for place in network.corridors.places}
    band = path.bands()[0]
    return RailLeg(
        terminal=places["rt-maasvlakte"],
        border=places["bcp-rail-venlo-kaldenkirchen"],
        path=path,
        train=Train(rules.locomotives[path.traction], (), path.max_length_m),
        band=band,
        headways_min=tuple(int(s.rules.headway_min(band) or 60) for s in path.sections),
        loading_start_min=30,
        depart_min=270,
        arrive_min=420,
        clear_min=422,
        border_min=60 // rules.border_trains_per_h,
    )


def test_a_leg_as_the_scheduler_builds_it(leg: RailLeg) -> None:
    assert leg.band in leg.path.bands()
    assert len(leg.headways_min) == len(leg.path.sections)
    with pytest.raises(AttributeError):
        leg.depart_min = 0  # type: ignore[misc]  # frozen: options share their legs


def test_times_out_of_order_are_refused(leg: RailLeg) -> None:
    with pytest.raises(ValueError, match=r"loading_start_min <= depart_min.*\(30, 20, 420, 422\)"):
        replace(leg, depart_min=20)
    with pytest.raises(ValueError, match="clear_min"):
        replace(leg, clear_min=400)
    with pytest.raises(ValueError, match="0 <= loading_start_min"):
        replace(leg, loading_start_min=-5)
    assert replace(leg, depart_min=30, arrive_min=30, clear_min=30).clear_min == 30


def test_headways_one_per_section(leg: RailLeg) -> None:
    with pytest.raises(ValueError, match="headways_min"):
        replace(leg, headways_min=leg.headways_min[:-1])
    with pytest.raises(ValueError, match="at least a minute"):
        replace(leg, headways_min=(0,) * len(leg.path.sections))


def test_a_timing_before_its_band_is_chosen(leg: RailLeg) -> None:
    timing = replace(leg, band="", headways_min=())  # what the scheduler's band options share
    assert replace(timing, band=leg.band, headways_min=leg.headways_min) == leg
    with pytest.raises(ValueError, match="band '' is not one of the path's"):
        replace(leg, band="")  # headways without a band
    with pytest.raises(ValueError, match="headways_min"):
        replace(leg, headways_min=())  # a band without headways


def test_band_must_offer_a_path_and_the_crossing_a_minute(leg: RailLeg) -> None:
    with pytest.raises(ValueError, match="band 'rush' is not one of the path's"):
        replace(leg, band="rush")
    with pytest.raises(ValueError, match="border_min 0"):
        replace(leg, border_min=0)
