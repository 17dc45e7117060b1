from __future__ import annotations

from pathlib import Path

import pytest

from mobility.errors import DataError
from mobility.traffic.counts import read_counts
from mobility.traffic.read import read_traffic

DATA = Path(__file__).resolve().parents[1] / "data" / "traffic"
HEADER = "road,direction,day_type,hour,veh_h_per_lane"


def test_reads_the_simple_count_file() -> None:
    counts = read_counts(DATA / "counts-tiny.csv")
    a16 = counts.lookup("A 16", "south", "weekday")
    assert a16 is not None and a16.veh_h_per_lane[8] == 1500.0
    assert a16.source.endswith("counts-tiny.csv: line 2")
    assert counts.lookup("A16", "north", "weekday") is None
    a58 = counts.lookup("A58", "east", "weekend")  # 'both' serves every direction
    assert a58 is not None and a58.veh_h_per_lane == tuple([200.0] * 24)
    assert counts.roads() == {"A16", "A58"}


def test_read_traffic_tells_the_formats_apart() -> None:
    assert read_traffic(DATA / "counts-tiny.csv").roads() == {"A16", "A58"}
    ndw = read_traffic(DATA / "ndw-tiny.csv")
    south = ndw.lookup("A16", "south", "weekday")
    assert south is not None and south.veh_h_per_lane[8] == pytest.approx(900.0)
    assert "0161hrr0540ra" in south.source


def test_unknown_roads_are_refused_against_the_network() -> None:
    counts = read_counts(DATA / "counts-tiny.csv")
    counts.check_roads(["A16", "A58", "A67"])
    with pytest.raises(DataError, match=r"counts-tiny\.csv: line 26: field 'road' is 'A58'"):
        counts.check_roads(["A16"])


def _day(change: dict[str, str] | None = None, skip: int = -1) -> list[str]:
    rows = []
    for hour in range(24):
        if hour == skip:
            continue
        values = {"road": "A16", "direction": "south", "day_type": "weekday"}
        values |= {"hour": str(hour), "veh_h_per_lane": "500"}
        if hour == 5:
            values |= change or {}
        rows.append(",".join(values[f] for f in HEADER.split(",")))
    return rows


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"veh_h_per_lane": "-5"}, "line 7: field 'veh_h_per_lane' is -5"),
        ({"veh_h_per_lane": "4000"}, "line 7: field 'veh_h_per_lane' is 4000"),
        ({"veh_h_per_lane": "many"}, "line 7: field 'veh_h_per_lane' is 'many'"),
        ({"hour": "24"}, "line 7: field 'hour' is '24'"),
        ({"hour": "4"}, "line 7: field 'hour' 4 is given twice"),
        ({"direction": "up"}, "line 7: field 'direction' is 'up'"),
        ({"day_type": "sunday"}, "line 7: field 'day_type' is 'sunday'"),
        ({"road": ""}, "line 7: field 'road' is empty"),
    ],
)
def test_bad_values_name_file_line_and_field(
    tmp_path: Path, change: dict[str, str], message: str
) -> None:
    path = tmp_path / "counts.csv"
    path.write_text("\n".join([HEADER, *_day(change)]) + "\n")
    with pytest.raises(DataError, match="counts.csv: " + message):
        read_traffic(path)


def test_missing_hours_wrong_separators_and_unknown_formats(tmp_path: Path) -> None:
    path = tmp_path / "counts.csv"
    path.write_text("\n".join([HEADER, *_day(skip=13)]) + "\n")
    with pytest.raises(DataError, match="line 2: field 'hour': A16 south weekday lacks hours 13"):
        read_traffic(path)
    path.write_text("\n".join([HEADER.replace(",", "|"), "A16|south|weekday|0|5"]) + "\n")
    with pytest.raises(DataError, match=r"counts\.csv: line 1: header .* neither an NDW export"):
        read_traffic(path)
    mixed = [HEADER, *_day()]
    mixed[3] = mixed[3].replace(",", ";")
    path.write_text("\n".join(mixed) + "\n")
    with pytest.raises(DataError, match=r"counts\.csv: line 4: 1 fields, expected 5"):
        read_traffic(path)
    with pytest.raises(DataError, match="cannot read the traffic file"):
        read_traffic(tmp_path / "absent.csv")
