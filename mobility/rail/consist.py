"""Military train consists: vehicles onto wagons, wagons into trains.

Loading rule (labelled assumptions in ``mobility/data/rail.yaml``): a vehicle at or
above ``heavy_from_t`` (a main battle tank, a HET tractor) rides alone on a
heavy wagon; lighter vehicles share flat wagons, first fit by decreasing
length, as many as the deck length (with lashing gaps) and the payload
allow. Wagons are then coupled behind one locomotive of the route's traction
while the train stays within the shortest maximum length of its lines and
the locomotive's maximum gross weight.

:func:`consist_problems` re-checks a consist in its plain (JSON) form
against the rules' plain form; the plan validator and the property tests use
it, never the builder.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from typing import Any

from mobility.errors import InfeasibleError
from mobility.model.vehicle import VehicleType
from mobility.rail.rules import Locomotive, RailRules, WagonType


@dataclass(frozen=True)
class Wagon:
    """One loaded wagon: its type and the vehicles on its deck."""

    type: WagonType
    vehicles: tuple[VehicleType, ...]

    @property
    def load_t(self) -> float:
        """Weight of the vehicles on the deck."""
        return sum(v.weight_t for v in self.vehicles)


@dataclass(frozen=True)
class Train:
    """A military train: locomotive and loaded wagons."""

    locomotive: Locomotive
    wagons: tuple[Wagon, ...]
    max_length_m: float

    @property
    def length_m(self) -> float:
        """Length over buffers, locomotive included."""
        return self.locomotive.length_m + sum(w.type.length_m for w in self.wagons)

    @property
    def gross_t(self) -> float:
        """Gross weight: locomotive, wagon tare and load."""
        return self.locomotive.weight_t + sum(w.type.tare_t + w.load_t for w in self.wagons)

    @property
    def vehicles(self) -> Counter[str]:
        """Vehicles carried, by type id."""
        return Counter(v.id for w in self.wagons for v in w.vehicles)

    def to_dict(self) -> dict[str, Any]:
        """Plain form for the movement table."""
        return {
            "locomotive": {
                "traction": self.locomotive.traction,
                "name": self.locomotive.name,
                "length_m": self.locomotive.length_m,
                "weight_t": self.locomotive.weight_t,
            },
            "wagons": [
                {
                    "type": w.type.id,
                    "vehicles": dict(Counter(v.id for v in w.vehicles)),
                    "length_m": w.type.length_m,
                    "tare_t": w.type.tare_t,
                    "payload_t": w.type.payload_t,
                    "deck_length_m": w.type.deck_length_m,
                    "load_t": round(w.load_t, 3),
                    "vehicle_lengths_m": [v.length_m for v in w.vehicles],
                    "vehicle_weights_t": [v.weight_t for v in w.vehicles],
                }
                for w in self.wagons
            ],
            "length_m": round(self.length_m, 3),
            "gross_t": round(self.gross_t, 3),
            "max_length_m": self.max_length_m,
            "max_gross_t": self.locomotive.max_gross_t,
        }


class LoadingError(InfeasibleError):
    """A vehicle fits no wagon, or one wagon makes a train too long or heavy."""


def _deck_need_m(vehicles: list[VehicleType], gap_m: float) -> float:
    return sum(v.length_m for v in vehicles) + gap_m * max(0, len(vehicles) - 1)


def load_wagons(vehicles: list[tuple[VehicleType, int]], rules: RailRules) -> list[Wagon]:
    """Put vehicles on wagons (heavy ones alone, the others first fit by length).

    Raises
    ------
    LoadingError
        Naming the vehicle that fits no wagon.
    """
    heavy, flat = rules.wagons["heavy"], rules.wagons["flat"]
    wagons: list[Wagon] = []
    open_decks: list[list[VehicleType]] = []
    ordered = sorted(vehicles, key=lambda item: (-item[0].length_m, item[0].id))
    for vehicle, count in ordered:
        if count <= 0:
            continue
        alone = vehicle.weight_t >= rules.heavy_from_t
        fits_flat = vehicle.weight_t <= flat.payload_t and vehicle.length_m <= flat.deck_length_m
        if alone or not fits_flat:
            if vehicle.weight_t > heavy.payload_t or vehicle.length_m > heavy.deck_length_m:
                raise LoadingError(
                    f"{vehicle.name!r} ({vehicle.weight_t:g} t, {vehicle.length_m:g} m) fits no "
                    f"wagon: heavy wagon payload {heavy.payload_t:g} t, deck "
                    f"{heavy.deck_length_m:g} m"
                )
            wagons.extend(Wagon(heavy, (vehicle,)) for _ in range(count))
            continue
        for _ in range(count):
            for deck in open_decks:
                if (
                    _deck_need_m([*deck, vehicle], rules.gap_m) <= flat.deck_length_m
                    and sum(v.weight_t for v in deck) + vehicle.weight_t <= flat.payload_t
                ):
                    deck.append(vehicle)
                    break
            else:
                open_decks.append([vehicle])
    wagons.extend(Wagon(flat, tuple(deck)) for deck in open_decks)
    return wagons


def form_trains(wagons: list[Wagon], locomotive: Locomotive, max_length_m: float) -> list[Train]:
    """Couple wagons, in order, into trains; a wagon that would overload one starts the next.

    Raises
    ------
    LoadingError
        When a single wagon makes a train too long or too heavy.
    """
    trains: list[Train] = []
    current: list[Wagon] = []
    length = locomotive.length_m
    gross = locomotive.weight_t
    for wagon in wagons:
        add_length = wagon.type.length_m
        add_gross = wagon.type.tare_t + wagon.load_t
        alone_fits = (
            locomotive.length_m + add_length <= max_length_m
            and locomotive.weight_t + add_gross <= locomotive.max_gross_t
        )
        if not alone_fits:
            raise LoadingError(
                f"one {wagon.type.name} makes a {locomotive.traction} train longer than "
                f"{max_length_m:g} m or heavier than {locomotive.max_gross_t:g} t"
            )
        if length + add_length > max_length_m or gross + add_gross > locomotive.max_gross_t:
            trains.append(Train(locomotive, tuple(current), max_length_m))
            current, length, gross = [], locomotive.length_m, locomotive.weight_t
        current.append(wagon)
        length += add_length
        gross += add_gross
    if current:
        trains.append(Train(locomotive, tuple(current), max_length_m))
    return trains


def build_trains(
    vehicles: list[tuple[VehicleType, int]],
    rules: RailRules,
    traction: str,
    max_length_m: float,
) -> list[Train]:
    """Trains that carry ``vehicles`` with ``traction`` on lines allowing ``max_length_m``."""
    return form_trains(load_wagons(vehicles, rules), rules.locomotives[traction], max_length_m)


def consist_problems(consist: dict[str, Any], rules: dict[str, Any]) -> list[str]:
    """List what is wrong with a consist in its plain form (empty: nothing).

    Checks every wagon's deck length (with gaps), payload and the one-heavy-
    vehicle-per-wagon rule, the totals reported, and the train's length and
    gross weight against its limits and its locomotive's.
    """
    problems: list[str] = []
    gap = float(rules["gap_m"])
    heavy_from = float(rules["heavy_from_t"])
    loco = consist["locomotive"]
    max_gross = float(rules["locomotives"][loco["traction"]]["max_gross_t"])
    length = float(loco["length_m"])
    gross = float(loco["weight_t"])
    for index, wagon in enumerate(consist["wagons"]):
        kind = rules["wagons"][wagon["type"]]
        lengths = [float(x) for x in wagon["vehicle_lengths_m"]]
        weights = [float(x) for x in wagon["vehicle_weights_t"]]
        if len(lengths) != sum(wagon["vehicles"].values()) or len(weights) != len(lengths):
            problems.append(f"wagon {index + 1}: vehicle list and counts disagree")
        deck = sum(lengths) + gap * max(0, len(lengths) - 1)
        if deck > float(kind["deck_length_m"]) + 1e-6:
            problems.append(
                f"wagon {index + 1}: {deck:.1f} m of vehicles on a {kind['deck_length_m']:g} m deck"
            )
        load = sum(weights)
        if load > float(kind["payload_t"]) + 1e-6:
            problems.append(f"wagon {index + 1}: {load:g} t over payload {kind['payload_t']:g} t")
        if len(weights) > 1 and max(weights) >= heavy_from:
            problems.append(
                f"wagon {index + 1}: a vehicle of {max(weights):g} t shares the wagon "
                f"(vehicles from {heavy_from:g} t ride alone)"
            )
        if weights and max(weights) >= heavy_from and wagon["type"] != "heavy":
            problems.append(
                f"wagon {index + 1}: a vehicle of {max(weights):g} t on a {wagon['type']} wagon "
                "(vehicles from that weight ride on heavy wagons)"
            )
        length += float(kind["length_m"])
        gross += float(kind["tare_t"]) + load
    if not math.isclose(length, float(consist["length_m"]), abs_tol=0.01):
        problems.append(f"length reported {consist['length_m']} m, wagons give {length:.1f} m")
    if length > float(consist["max_length_m"]) + 1e-6:
        problems.append(f"{length:.1f} m long over the {consist['max_length_m']:g} m allowed")
    if not math.isclose(gross, float(consist["gross_t"]), abs_tol=0.01):
        problems.append(f"gross reported {consist['gross_t']} t, wagons give {gross:.1f} t")
    if gross > max_gross + 1e-6:
        problems.append(f"{gross:.0f} t gross over the locomotive's {max_gross:g} t")
    return problems
