"""The network drawn as joined, simplified, packed lines (a country's network in a few MB)."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from mobility.maps._network_lines import (
    METRES_PER_DEGREE,
    Piece,
    chains,
    join_pieces,
    pack,
    packed_chains,
    simplify_m,
    unpack,
)


def test_chains_join_where_exactly_two_pieces_meet() -> None:
    # a-b, c-b (drawn backwards), c-d: one chain; a T at d (d-e, d-f) stops it.
    ends = [("a", "b"), ("c", "b"), ("c", "d"), ("d", "e"), ("d", "f")]
    found = sorted(chains(ends))
    assert found == [[(0, True), (1, False), (2, True)], [(3, True)], [(4, True)]]


def test_chains_keep_every_piece_once_with_loops_and_parallel_pieces() -> None:
    ends = [("a", "b"), ("b", "c"), ("c", "a"), ("x", "y"), ("y", "x"), ("s", "s")]
    found = chains(ends)
    assert sorted(i for chain in found for i, _ in chain) == list(range(len(ends)))
    assert sorted(len(chain) for chain in found) == [1, 2, 3]


def _metres_east(lon: float, lat: float, metres: float) -> float:
    return lon + metres / (METRES_PER_DEGREE * math.cos(math.radians(lat)))


def test_simplify_is_in_metres_and_keeps_the_ends() -> None:
    lat = 52.0
    wiggle_deg = 4 / METRES_PER_DEGREE  # 4 m north
    straight = [
        [_metres_east(5.0, lat, x), lat + (wiggle_deg if i % 2 else 0)]
        for i, x in enumerate(range(0, 1000, 100))
    ]
    assert simplify_m(straight, 10.0) == [straight[0], straight[-1]]
    assert len(simplify_m(straight, 2.0)) == len(straight)
    # East-west: 10 m is fewer degrees of latitude than of longitude at 52 N.
    bent = [[5.0, lat], [_metres_east(5.0, lat, 500), lat + 15 / METRES_PER_DEGREE], [5.01, lat]]
    assert len(simplify_m(bent, 10.0)) == 3 and len(simplify_m(bent, 20.0)) == 2


def test_pack_rounds_to_1e5_degree_steps_and_unpack_restores_them() -> None:
    coords = [(5.123456789, 52.0), (5.1234568, 52.0000001), (5.2, 52.1, 3.0), (5.19999, 52.09)]
    steps = pack(coords)
    assert steps == [5200000, 512346, 10000, 7654, -1000, -1]
    assert unpack(steps) == [[52.0, 5.12346], [52.1, 5.2], [52.09, 5.19999]]


def _piece(u: int, v: int, rows: tuple[tuple[str, str], ...], way: int = 1) -> Piece:
    return Piece(
        kind="primary",
        rows=rows,
        title="N1" if rows and rows[0][0] == "Ref" else f"way {way}",
        edge=f"{u}-{v}-0 (way {way})",
        way=way,
        u=u,
        v=v,
        coords=[(5.0 + u / 100, 52.0), (5.0 + v / 100, 52.0)],
    )


def test_pieces_with_one_popup_are_one_line_and_other_tags_split_it() -> None:
    ref = (("Ref", "N1"), ("Class", "primary"))
    bridge = (*ref, ("Bridge", "yes"))
    pieces = [_piece(0, 1, ref, 10), _piece(1, 2, ref, 11), _piece(2, 3, bridge, 12)]
    pieces += [_piece(3, 4, ref, 13), _piece(4, 5, ref, 14), _piece(5, 6, ref, 15)]
    road, bridged = join_pieces(pieces, order=["motorway", "primary"])
    assert {k: v for k, v in road.items() if k != "lines"} == {
        "k": "primary",
        "t": "N1",
        "p": [["Ref", "N1"], ["Class", "primary"]],
    }
    assert bridged["p"] == [["Ref", "N1"], ["Class", "primary"], ["Bridge", "yes"]]
    # Two stretches of the road either side of the bridge, and the bridge alone with its edge.
    assert [(edge, unpack(steps)) for edge, steps in road["lines"]] == [
        (2, [[52.0, 5.0], [52.0, 5.02]]),
        (3, [[52.0, 5.03], [52.0, 5.06]]),
    ]
    assert [(edge, unpack(steps)) for edge, steps in bridged["lines"]] == [
        ("2-3-0 (way 12)", [[52.0, 5.02], [52.0, 5.03]])
    ]


def test_unnamed_lines_are_named_by_their_way_or_as_unnamed() -> None:
    rows = (("Class", "tertiary"),)
    pieces = [_piece(0, 1, rows, 7), _piece(1, 2, rows, 7), _piece(5, 6, rows, 8)]
    pieces += [_piece(6, 7, rows, 9)]
    (group,) = join_pieces(pieces, order=["primary"])
    assert group["t"] == "unnamed tertiary"
    # One way in two pieces keeps its title; two ways joined take the group's.
    assert sorted(line[2] if len(line) > 2 else "-" for line in group["lines"]) == ["-", "way 7"]


def test_groups_are_ordered_bottom_kind_first() -> None:
    pieces = [
        Piece("motorway", (("Ref", "A1"),), "A1", "0-1-0", 1, 0, 1, [(5, 52), (5.1, 52)]),
        Piece("tertiary", (("Ref", "N9"),), "N9", "2-3-0", 2, 2, 3, [(5, 53), (5.1, 53)]),
        Piece("primary", (("Ref", "N2"),), "N2", "4-5-0", 3, 4, 5, [(5, 54), (5.1, 54)]),
    ]
    groups = join_pieces(pieces, order=["motorway", "primary", "tertiary"])
    assert [group["k"] for group in groups] == ["tertiary", "primary", "motorway"]


@pytest.mark.parametrize("tolerance_m", [0.0, 10.0])
def test_a_closed_ring_road_stays_closed(tolerance_m: float) -> None:
    rows = (("Name", "Ring"),)
    corners = [(5.0, 52.0), (5.01, 52.0), (5.01, 52.01), (5.0, 52.01)]
    pieces = []
    for i in range(4):
        j = (i + 1) % 4
        pieces.append(Piece("primary", rows, "Ring", f"{i}", i, i, j, [corners[i], corners[j]]))
    ((group),) = join_pieces(pieces, order=["primary"], tolerance_m=tolerance_m)
    ((edge, steps),) = group["lines"]
    points = unpack(steps)
    assert edge == 4 and points[0] == points[-1] and len(points) == 5


def _chain_coords(pieces: list[Piece], chain: list[tuple[int, bool]]) -> list[list[float]]:
    """The chain's points one piece at a time (what :func:`packed_chains` gathers as arrays)."""
    coords: list[list[float]] = []
    for index, forward in chain:
        points = [list(p[:2]) for p in pieces[index].coords]
        if not forward:
            points.reverse()
        coords += points[1:] if coords and coords[-1] == points[0] else points
    return coords


@pytest.mark.parametrize("tolerance_m", [0.0, 10.0, 40.0])
def test_packed_chains_are_each_chain_simplified_and_packed_on_its_own(tolerance_m: float) -> None:
    rng = np.random.default_rng(13)
    pieces = []
    for index in range(300):
        # Random walks of 2 to 8 points, some with a repeated point, some in 3D.
        n = int(rng.integers(2, 9))
        lon = 5.0 + np.cumsum(rng.normal(0, 2e-4, n))
        lat = 52.0 + index * 1e-3 + np.cumsum(rng.normal(0, 2e-4, n))
        coords = np.column_stack([lon, lat]).tolist()
        if index % 7 == 0:
            coords.insert(1, list(coords[0]))
        if index % 11 == 0:
            coords = [[*point, 3.0] for point in coords]
        pieces.append(Piece("primary", (), "t", "e", index, 0, 0, coords))
    # Chains of 1 to 5 pieces, some reversed; joints shared exactly or not at all.
    found: list[list[tuple[int, bool]]] = []
    index = 0
    while index < len(pieces):
        size = int(rng.integers(1, 6))
        found.append([(i, bool(rng.integers(0, 2))) for i in range(index, min(index + size, 300))])
        index += size
    for chain in found[::2]:
        for (a, fa), (b, fb) in itertools.pairwise(chain):
            end = list(pieces[a].coords[-1 if fa else 0][:2])
            start = 0 if fb else -1
            b_coords = [list(p) for p in pieces[b].coords]
            b_coords[start] = end + b_coords[start][2:]
            pieces[b] = Piece("primary", (), "t", "e", b, 0, 0, b_coords)
    as_arrays = [
        Piece("primary", (), "t", "e", i, 0, 0, np.asarray(p.coords)) for i, p in enumerate(pieces)
    ]
    expected = [pack(simplify_m(_chain_coords(pieces, chain), tolerance_m)) for chain in found]
    assert packed_chains(pieces, found, tolerance_m) == expected
    assert packed_chains(as_arrays, found, tolerance_m) == expected
    assert packed_chains(pieces, [], tolerance_m) == []
