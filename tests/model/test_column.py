from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mobility.errors import DataError
from mobility.model.column import (
    CLOSE,
    EXTENDED,
    OPEN,
    ColumnRules,
    build_column,
    pass_time_s,
    road_space_m,
)
from mobility.model.vehicle import VehicleCatalogue


def test_doctrine_road_space_example() -> None:
    # 25,000 vehicles at 100 m intervals occupy 2,500 km of road.
    assert road_space_m(25_000, 100.0) == pytest.approx(2_500_000.0)


def test_pass_time_is_road_space_over_speed() -> None:
    # 2,500 km at 50 km/h pass a point in 50 hours; 10 min of gaps add 600 s.
    assert pass_time_s(2_500_000.0, 50.0) == pytest.approx(50 * 3600)
    assert pass_time_s(1000.0, 60.0, time_gaps_s=600) == pytest.approx(60 + 600)


def test_formation_densities() -> None:
    assert CLOSE.density_veh_per_km("expressway") == pytest.approx(40)
    assert OPEN.density_veh_per_km("built_up") == pytest.approx(20)
    assert EXTENDED.interval_m["expressway"] == 200


def test_bad_values_are_refused() -> None:
    with pytest.raises(DataError, match="vehicle count must be >= 0"):
        road_space_m(-1, 100)
    with pytest.raises(DataError, match="speed must be > 0"):
        pass_time_s(100, 0)
    with pytest.raises(DataError, match="march unit size"):
        ColumnRules(march_unit_min=30, march_unit_max=25)


def test_build_column_groups_alike_vehicles(catalogue: VehicleCatalogue) -> None:
    column = build_column(
        "1 (NL) Mech Bde",
        {"boxer-apc": 30, "Leopard 2A7": 14, "ammunition-truck-1-1": 6},
        catalogue,
    )
    assert column.count == 50
    # Heavy transports, dangerous goods and the rest travel in separate march units.
    assert [[v.id for v in m.types] for m in column.march_units] == [
        ["leopard-2a7"],
        ["ammunition-truck-1-1"],
        ["boxer-apc"],
        ["boxer-apc"],
    ]
    assert [m.count for m in column.march_units] == [14, 6, 15, 15]
    assert [m.id for m in column.march_units] == ["1.1", "1.2", "1.3", "1.4"]
    assert column.max_speed_kph == min(v.max_speed_kph for m in column.march_units for v in m.types)
    # 4 march units in one serial: three 5-minute gaps.
    assert column.time_gaps_s == 900
    six = build_column("u", {"boxer-apc": 130}, catalogue, ColumnRules(march_units_per_serial=2))
    assert [m.count for m in six.march_units] == [22, 22, 22, 22, 21, 21]
    assert len(six.serials) == 3
    assert six.time_gaps_s == 3 * 300 + 2 * 600


def test_build_column_errors(catalogue: VehicleCatalogue) -> None:
    with pytest.raises(DataError, match="count of 'boxer-apc' must be a whole number >= 0"):
        build_column("u", {"boxer-apc": -3}, catalogue)
    with pytest.raises(DataError, match="expected at least one vehicle"):
        build_column("u", {"boxer-apc": 0}, catalogue)
    with pytest.raises(DataError, match="unknown vehicle type 'Boxxer'"):
        build_column("u", {"Boxxer": 2}, catalogue)


@given(
    counts=st.lists(st.integers(0, 120), min_size=1, max_size=4).filter(lambda c: sum(c) > 0),
    size=st.tuples(st.integers(1, 15), st.integers(15, 30)),
    per_serial=st.integers(1, 6),
)
def test_march_units_partition_the_vehicles(
    catalogue: VehicleCatalogue, counts: list[int], size: tuple[int, int], per_serial: int
) -> None:
    types = ["boxer-apc", "fennek", "leopard-2a7", "fuel-tanker"]
    vehicles = dict(zip(types, counts, strict=False))
    rules = ColumnRules(
        march_unit_min=size[0], march_unit_max=size[1], march_units_per_serial=per_serial
    )
    column = build_column("u", vehicles, catalogue, rules)
    sizes = [m.count for m in column.march_units]
    assert sum(sizes) == sum(counts)
    assert max(sizes) <= size[1]
    groups: dict[tuple[bool, bool], list[int]] = {}
    for unit in column.march_units:
        kinds = {(v.hazmat is not None, v.het_required) for v in unit.types}
        assert len(kinds) == 1  # never mixed
        groups.setdefault(kinds.pop(), []).append(unit.count)
    for group_sizes in groups.values():
        assert max(group_sizes) - min(group_sizes) <= 1
    assert all(len(s.march_units) <= per_serial for s in column.serials)
    for type_id, count in vehicles.items():
        assert sum(n for m in column.march_units for v, n in m.vehicles if v.id == type_id) == count
