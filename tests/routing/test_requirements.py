"""The envelope a group of vehicles needs from the road: the worst of each of them."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mobility.errors import DataError
from mobility.model.vehicle import VehicleCatalogue
from mobility.routing.requirements import Requirements


@given(st.data())
def test_the_envelope_is_the_worst_vehicle_of_the_group(
    catalogue: VehicleCatalogue, data: st.DataObject
) -> None:
    ids = sorted(catalogue.types)
    group = [
        catalogue.types[i]
        for i in data.draw(st.lists(st.sampled_from(ids), min_size=1, max_size=6))
    ]
    need = Requirements.of(group)
    assert need.weight_t == max(v.weight_t for v in group)
    assert need.height_m == max(v.height_m for v in group)
    assert need.width_m == max(v.width_m for v in group)
    assert need.length_m == max(v.length_m for v in group)
    assert need.max_speed_kph == min(v.max_speed_kph for v in group)
    assert need.mlc_tracked == max((v.mlc for v in group if v.tracked), default=0)
    assert need.mlc_wheeled == max((v.mlc for v in group if not v.tracked), default=0)
    for vehicle in group:
        if vehicle.hazmat is not None:
            assert vehicle.hazmat.barred_tunnel_categories <= need.barred_tunnel_categories
    # Adding a vehicle never relaxes the envelope.
    extra = catalogue.types[data.draw(st.sampled_from(ids))]
    wider = Requirements.of([*group, extra])
    assert wider.weight_t >= need.weight_t and wider.max_speed_kph <= need.max_speed_kph
    assert wider.barred_tunnel_categories >= need.barred_tunnel_categories


def test_a_declared_load_bars_tunnels_on_top_of_the_vehicles(catalogue: VehicleCatalogue) -> None:
    truck = next(v for v in catalogue.types.values() if v.hazmat is None and not v.tracked)
    plain = Requirements.of([truck])
    loaded = Requirements.of([truck], hazmat_code="C/D")
    assert plain.barred_tunnel_categories == frozenset() and plain.hazmat == ""
    assert {"C", "D", "E"} <= loaded.barred_tunnel_categories
    assert loaded.hazmat == "tunnel code C/D" and "carrying tunnel code C/D" in loaded.label


def test_mlc_text_and_json_form(catalogue: VehicleCatalogue) -> None:
    assert Requirements("none").mlc_text() == "MLC 0"
    both = Requirements("mixed", mlc_wheeled=40, mlc_tracked=70)
    assert both.mlc_text() == "MLC 70 tracked, MLC 40 wheeled"
    assert both.to_dict()["barred_tunnel_categories"] == []


def test_an_empty_group_or_no_speed_is_refused() -> None:
    with pytest.raises(DataError, match="expected at least one vehicle"):
        Requirements.of([])
    with pytest.raises(DataError, match="slow: max_speed_kph must be > 0"):
        Requirements("slow", max_speed_kph=0)
