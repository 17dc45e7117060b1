from __future__ import annotations

import copy
import dataclasses
import itertools
import re
from collections import Counter
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mobility.model.vehicle import VehicleType, load_vehicles
from mobility.rail.consist import (
    LoadingError,
    Train,
    build_trains,
    consist_problems,
    form_trains,
    load_wagons,
)
from mobility.rail.rules import load_rail_rules

RULES = load_rail_rules()
CATALOGUE = load_vehicles()
TOL = 1e-6


def _loadable(vehicle: VehicleType) -> bool:
    try:
        load_wagons([(vehicle, 1)], RULES)
    except LoadingError:
        return False
    return True


LOADABLE = sorted(v.id for v in CATALOGUE if _loadable(v))

mixes = st.lists(
    st.tuples(st.sampled_from(LOADABLE), st.integers(0, 60)),
    max_size=8,
)


def _vehicles(mix: list[tuple[str, int]]) -> list[tuple[VehicleType, int]]:
    return [(CATALOGUE.types[vid], n) for vid, n in mix]


def _expected(mix: list[tuple[str, int]]) -> Counter[str]:
    expected: Counter[str] = Counter()
    for vid, n in mix:
        expected[vid] += n
    return +expected


def test_catalogue_mix_is_loadable() -> None:
    for vid in ("leopard-2a7", "m1a2-sepv3", "boxer-apc", "fennek", "man-hx2-6x6", "cv90-35nl"):
        assert vid in LOADABLE
    assert "daf-cf-cargo" in LOADABLE


@settings(max_examples=60, deadline=None)
@given(
    mixes,
    st.sampled_from(["electric", "diesel"]),
    st.floats(300, 750, allow_nan=False, allow_infinity=False),
)
def test_build_trains_properties(mix: list[tuple[str, int]], traction: str, max_m: float) -> None:
    vehicles = _vehicles(mix)
    locomotive = RULES.locomotives[traction]
    trains = build_trains(vehicles, RULES, traction, max_m)
    plain_rules = RULES.to_dict()

    carried: Counter[str] = Counter()
    for train in trains:
        carried.update(train.vehicles)
    assert carried == _expected(mix)

    for train in trains:
        assert train.wagons, "empty train"
        assert train.locomotive == locomotive
        assert train.length_m <= max_m + TOL
        assert train.gross_t <= locomotive.max_gross_t + TOL
        for wagon in train.wagons:
            assert wagon.vehicles, "empty wagon"
            deck = sum(v.length_m for v in wagon.vehicles) + RULES.gap_m * (len(wagon.vehicles) - 1)
            assert deck <= wagon.type.deck_length_m + TOL
            assert wagon.load_t <= wagon.type.payload_t + TOL
            if any(v.weight_t >= RULES.heavy_from_t for v in wagon.vehicles):
                assert len(wagon.vehicles) == 1
                assert wagon.type.id == "heavy"
        assert consist_problems(train.to_dict(), plain_rules) == []

    for first, second in itertools.pairwise(trains):
        head = second.wagons[0]
        too_long = first.length_m + head.type.length_m > max_m + TOL
        too_heavy = first.gross_t + head.type.tare_t + head.load_t > locomotive.max_gross_t + TOL
        assert too_long or too_heavy, "two consecutive trains could be merged"


def test_no_vehicles_no_trains() -> None:
    assert build_trains([], RULES, "electric", 650.0) == []
    assert build_trains([(CATALOGUE.types["fennek"], 0)], RULES, "diesel", 650.0) == []


def test_heavy_vehicles_ride_alone_light_ones_share() -> None:
    tank, fennek = CATALOGUE.types["leopard-2a7"], CATALOGUE.types["fennek"]
    wagons = load_wagons([(tank, 2), (fennek, 3)], RULES)
    assert [w.type.id for w in wagons] == ["heavy", "heavy", "flat"]
    assert [len(w.vehicles) for w in wagons] == [1, 1, 3]


def _valid_consist() -> dict[str, Any]:
    vehicles = [
        (CATALOGUE.types["leopard-2a7"], 2),
        (CATALOGUE.types["boxer-apc"], 2),
        (CATALOGUE.types["fennek"], 3),
    ]
    trains = build_trains(vehicles, RULES, "electric", 650.0)
    assert len(trains) == 1
    consist = trains[0].to_dict()
    assert consist_problems(consist, RULES.to_dict()) == []
    return consist


def _wagon(consist: dict[str, Any], kind: str, min_vehicles: int = 1) -> dict[str, Any]:
    wagon: dict[str, Any]
    for wagon in consist["wagons"]:
        if wagon["type"] == kind and len(wagon["vehicle_weights_t"]) >= min_vehicles:
            return wagon
    raise AssertionError(f"no {kind} wagon with {min_vehicles} vehicles")


def test_tamper_second_heavy_vehicle_on_heavy_wagon() -> None:
    consist = _valid_consist()
    wagon = _wagon(consist, "heavy")
    vid = next(iter(wagon["vehicles"]))
    wagon["vehicles"][vid] += 1
    wagon["vehicle_lengths_m"].append(wagon["vehicle_lengths_m"][0])
    wagon["vehicle_weights_t"].append(wagon["vehicle_weights_t"][0])
    problems = consist_problems(consist, RULES.to_dict())
    assert any("shares the wagon" in p and "ride alone" in p for p in problems), problems


def test_tamper_too_long() -> None:
    consist = _valid_consist()
    flat = copy.deepcopy(_wagon(consist, "flat"))
    while consist["length_m"] <= consist["max_length_m"]:
        consist["wagons"].append(copy.deepcopy(flat))
        consist["length_m"] = round(consist["length_m"] + flat["length_m"], 3)
    problems = consist_problems(consist, RULES.to_dict())
    assert problems
    assert any("650 m allowed" in p for p in problems), problems
    assert not any("length reported" in p for p in problems)


def test_tamper_overloaded_payload() -> None:
    consist = _valid_consist()
    wagon = _wagon(consist, "flat", min_vehicles=2)
    wagon["vehicle_weights_t"] = [40.0] * len(wagon["vehicle_weights_t"])
    problems = consist_problems(consist, RULES.to_dict())
    assert any("over payload" in p for p in problems), problems


def test_tamper_deck_too_short() -> None:
    consist = _valid_consist()
    wagon = _wagon(consist, "flat", min_vehicles=2)
    wagon["vehicle_lengths_m"] = [10.0] * len(wagon["vehicle_lengths_m"])
    problems = consist_problems(consist, RULES.to_dict())
    assert any("deck" in p for p in problems), problems


def test_tamper_wrong_reported_length() -> None:
    consist = _valid_consist()
    consist["length_m"] += 5.0
    problems = consist_problems(consist, RULES.to_dict())
    assert any("length reported" in p for p in problems), problems


def test_tamper_counts_disagree() -> None:
    consist = _valid_consist()
    wagon = _wagon(consist, "flat")
    vid = next(iter(wagon["vehicles"]))
    wagon["vehicles"][vid] += 1
    problems = consist_problems(consist, RULES.to_dict())
    assert any("disagree" in p for p in problems), problems


def test_tamper_too_heavy() -> None:
    consist = _valid_consist()
    heavy = copy.deepcopy(_wagon(consist, "heavy"))
    for _ in range(30):
        consist["wagons"].append(copy.deepcopy(heavy))
    consist["max_length_m"] = 10_000.0
    consist["length_m"] = round(
        consist["locomotive"]["length_m"] + sum(w["length_m"] for w in consist["wagons"]), 3
    )
    problems = consist_problems(consist, RULES.to_dict())
    assert any("gross over" in p for p in problems), problems


def test_vehicle_too_heavy_for_any_wagon() -> None:
    monster = dataclasses.replace(CATALOGUE.types["leopard-2a7"], weight_t=200.0)
    with pytest.raises(LoadingError, match=re.escape(monster.name)):
        load_wagons([(monster, 1)], RULES)
    with pytest.raises(LoadingError, match=re.escape(monster.name)):
        build_trains([(CATALOGUE.types["fennek"], 2), (monster, 1)], RULES, "electric", 650.0)


def test_vehicle_too_long_for_any_wagon() -> None:
    long_one = dataclasses.replace(CATALOGUE.types["daf-cf-cargo"], length_m=30.0)
    with pytest.raises(LoadingError, match=re.escape(long_one.name)):
        load_wagons([(long_one, 1)], RULES)


@pytest.mark.parametrize("traction", ["electric", "diesel"])
def test_train_limit_shorter_than_locomotive_and_one_wagon(traction: str) -> None:
    locomotive = RULES.locomotives[traction]
    tank = CATALOGUE.types["leopard-2a7"]
    too_short = locomotive.length_m + RULES.wagons["heavy"].length_m - 0.5
    with pytest.raises(LoadingError, match=traction):
        build_trains([(tank, 1)], RULES, traction, too_short)
    wagons = load_wagons([(tank, 1)], RULES)
    with pytest.raises(LoadingError):
        form_trains(wagons, locomotive, too_short)
    fits = form_trains(wagons, locomotive, too_short + 0.5)
    assert len(fits) == 1


def test_later_wagon_alone_too_long_raises() -> None:
    # A heavy wagon (18 m) fits behind the locomotive (19 m) within 38 m, the
    # flat wagon (19.9 m) does not: it should raise, not form a 38.9 m train.
    vehicles = [(CATALOGUE.types["leopard-2a7"], 1), (CATALOGUE.types["fennek"], 1)]
    with pytest.raises(LoadingError):
        build_trains(vehicles, RULES, "electric", 38.0)


def test_to_dict_round_trip_fields() -> None:
    train: Train = build_trains([(CATALOGUE.types["boxer-apc"], 3)], RULES, "diesel", 500.0)[0]
    plain = train.to_dict()
    assert plain["locomotive"]["traction"] == "diesel"
    assert plain["max_length_m"] == 500.0
    assert plain["max_gross_t"] == RULES.locomotives["diesel"].max_gross_t
    assert plain["length_m"] == pytest.approx(train.length_m)
    assert plain["gross_t"] == pytest.approx(train.gross_t)
    assert sum(sum(w["vehicles"].values()) for w in plain["wagons"]) == 3
