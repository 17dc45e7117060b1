"""Network colours are neutral; unit colours are strong and never a network colour."""

from __future__ import annotations

import itertools

import pytest

from mobility.maps._basemap import BASEMAP_STYLE
from mobility.maps._colours import (
    CORRIDOR_COLOURS,
    MAX_NETWORK_CHROMA,
    MIN_DELTA_E,
    MIN_UNIT_CHROMA,
    UNIT_PALETTE,
    chroma,
    delta_e,
    lab,
)
from mobility.maps._layers import POINT_KINDS, RAIL_STYLE, ROAD_STYLES
from mobility.maps._payload import TRAIN_COLOUR

NETWORK = {
    **{f"road {k}": v["color"] for k, v in ROAD_STYLES.items()},
    "rail": RAIL_STYLE["color"],
    "train path": TRAIN_COLOUR,
    **{f"point {k}": colour for k, (_, colour) in POINT_KINDS.items()},
    **{f"background {k}": v for k, v in BASEMAP_STYLE.items()},
}
UNITS = {**{f"palette {i}": c for i, c in enumerate(UNIT_PALETTE)}, **CORRIDOR_COLOURS}


def test_lab_of_known_colours() -> None:
    assert lab("#ffffff") == pytest.approx((100.0, 0.0, 0.0), abs=0.02)
    assert lab("#000000") == pytest.approx((0.0, 0.0, 0.0), abs=0.01)
    assert lab("#ff0000") == pytest.approx((53.24, 80.09, 67.20), abs=0.05)  # sRGB red, D65
    with pytest.raises(ValueError, match="#rrggbb"):
        lab("red")


@pytest.mark.parametrize("name", sorted(NETWORK))
def test_network_colours_are_neutral(name: str) -> None:
    assert chroma(NETWORK[name]) <= MAX_NETWORK_CHROMA, name


@pytest.mark.parametrize("name", sorted(UNITS))
def test_unit_colours_are_strong_and_far_from_every_network_colour(name: str) -> None:
    # Issue 18: motorway, a unit and border crossings were all red; ports and a unit blue.
    colour = UNITS[name]
    assert chroma(colour) >= MIN_UNIT_CHROMA
    nearest = min(NETWORK, key=lambda n: delta_e(colour, NETWORK[n]))
    assert delta_e(colour, NETWORK[nearest]) >= MIN_DELTA_E, (name, nearest)


def test_the_palette_repeats_no_colour_and_its_colours_are_told_apart() -> None:
    assert len(set(UNIT_PALETTE)) == len(UNIT_PALETTE) == 20
    closest = min(delta_e(a, b) for a, b in itertools.combinations(UNIT_PALETTE, 2))
    assert closest >= 20
