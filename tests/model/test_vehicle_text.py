"""The vehicle catalogue as a table and as records: aligned columns, every field."""

from __future__ import annotations

from pathlib import Path

from mobility.model.vehicle import load_vehicles
from mobility.model.vehicle_text import HEADER, catalogue_records, catalogue_table, vehicle_row

DATA = Path(__file__).parent.parent / "data"


def test_one_heading_and_one_line_per_type_without_trailing_spaces() -> None:
    catalogue = load_vehicles(DATA / "vehicles-tiny.yaml")
    table = catalogue_table(catalogue)
    assert table[0] == HEADER
    assert len(table) == len(catalogue) + 1
    assert all(line == line.rstrip() for line in table)
    assert [line.split()[0] for line in table[1:]] == [v.id for v in catalogue]


def test_a_row_lines_up_with_the_heading() -> None:
    catalogue = load_vehicles(DATA / "vehicles-tiny.yaml")
    tank, ammo = catalogue.get("tank"), catalogue.get("ammo")
    row = vehicle_row(tank)
    # The tracked tank has no axle load ("-") and rides a HET.
    assert row[HEADER.index("gear") : HEADER.index("gear") + 7].strip() == "tracked"
    assert row[HEADER.index("axle t") : HEADER.index("axle t") + 6].strip() == "-"
    assert row[HEADER.index("HET") :] == "yes"  # no hazmat: the line ends after the HET column
    ammo_row = vehicle_row(ammo)
    assert ammo_row[HEADER.index("MLC") - 1 : HEADER.index("MLC") + 3].strip() == "30"
    assert ammo_row.endswith(ammo.hazmat.describe())  # type: ignore[union-attr]


def test_records_hold_every_field_in_catalogue_order() -> None:
    catalogue = load_vehicles(DATA / "vehicles-tiny.yaml")
    records = catalogue_records(catalogue)
    assert [r["id"] for r in records] == [v.id for v in catalogue]
    ammo = next(r for r in records if r["id"] == "ammo")
    assert ammo["weight_t"] == 30 and ammo["hazmat"]["adr_class"] == "1.1"
    assert ammo["hazmat"]["tunnel_code"] == "B1000C"
