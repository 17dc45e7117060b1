from __future__ import annotations

from pathlib import Path

import pytest

from mobility.errors import DataError
from mobility.traffic.ndw import read_ndw
from mobility.traffic.profiles import calibrate

DATA = Path(__file__).resolve().parents[1] / "data" / "traffic"
HEADER = (
    "start_meetperiode;eind_meetperiode;gebruikte_minuten_intensiteit;gem_intensiteit;"
    "gem_snelheid;naam_meetlocatie_mst"
)


def test_reads_a_dexter_export_into_hourly_volumes_per_lane() -> None:
    (day,) = read_ndw(DATA / "ndw-tiny.csv")
    assert (day.road, day.carriageway, day.hectometre_km) == ("A16", "hrr", 54.0)
    assert day.direction == "south" and day.lanes == 2
    assert day.veh_h_per_lane[8] == pytest.approx(900.0)  # the invalid minute is ignored
    assert day.veh_h_per_lane[3] == pytest.approx(90.0)
    assert day.daily_per_lane == pytest.approx(4 * 900 + 20 * 90)
    assert day.speed_kph[8] == pytest.approx(95.0)


def test_comma_separated_exports_without_lane_names_count_rows_as_lanes(tmp_path: Path) -> None:
    path = tmp_path / "export.CSV"
    rows = [HEADER.replace(";", ",")]
    for hour in range(24):
        for flow in (60, 180, 300):
            start, end = f"2022-06-20 {hour:02d}:00:00", f"2022-06-20 {hour:02d}:01:00"
            rows.append(f"{start},{end},1,{flow},100,0131hrr0099ra")
    path.write_text("\n".join(rows) + "\n")
    (day,) = read_ndw(path)
    assert day.lanes == 3 and day.veh_h_per_lane[5] == pytest.approx(180.0)


def _one_hour(tmp_path: Path, line: str) -> Path:
    path = tmp_path / "bad.csv"
    path.write_text(HEADER + "\n" + line + "\n")
    return path


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("2019-10-10 00:00:00;2019-10-10 00:01:00;1;-60;100;0131hrl0122ra", "gem_intensiteit"),
        ("2019-10-10 00:00:00;2019-10-10 00:01:00;1;9000;100;0131hrl0122ra", "gem_intensiteit"),
        ("2019-10-10 00:00:00;2019-10-10 00:01:00;1;60;-20;0131hrl0122ra", "gem_snelheid"),
        ("2019-10-10 00:00:00;2019-10-10 00:01:00;1;sixty;100;0131hrl0122ra", "gem_intensiteit"),
        ("2019-10-10 00:00:00;2019-10-10 00:01:00;1;60;100;Kruising Delft", "unknown site"),
        ("10/10/2019 0:00;2019-10-10 00:01:00;1;60;100;0131hrl0122ra", "start_meetperiode"),
        ("2019-10-10 00:00:00;2019-10-10 00:01:00;1;60;100", "fields"),
    ],
)
def test_bad_rows_name_file_line_and_field(tmp_path: Path, line: str, expected: str) -> None:
    path = _one_hour(tmp_path, line)
    with pytest.raises(DataError, match=r"bad\.csv: line 2") as error:
        read_ndw(path)
    assert expected in str(error.value)


def test_missing_hours_and_wrong_separators_are_refused(tmp_path: Path) -> None:
    path = _one_hour(tmp_path, "2019-10-10 00:00:00;2019-10-10 00:01:00;1;60;100;0131hrl0122ra")
    with pytest.raises(DataError, match="no counts in hour 01:00"):
        read_ndw(path)
    tabs = tmp_path / "tabs.csv"
    tabs.write_text(HEADER.replace(";", "\t") + "\n")
    with pytest.raises(DataError, match=r"tabs\.csv: line 1: header"):
        read_ndw(tabs)


@pytest.mark.realdata
def test_every_ndw_day_reads_and_calibrates(shared_traffic: Path) -> None:
    days = []
    for path in sorted((shared_traffic / "ndw-loops").glob("*.CSV")):
        if "15min" in path.name:
            # A 20-minute excerpt, not a day: refused for its missing hours.
            with pytest.raises(DataError, match="no counts in hour 01:00"):
                read_ndw(path)
            continue
        days += read_ndw(path)
    assert {d.road for d in days} == {"A2", "A4", "A13", "A20"}
    dailies = [d.daily_per_lane for d in days]
    assert 9_000 < min(dailies) < 11_000 and 27_000 < max(dailies) < 29_000  # as the README says
    peaks = {max(range(24), key=lambda h: d.veh_h_per_lane[h]) for d in days}
    assert peaks <= {6, 7, 8, 15, 16, 17} and 8 in peaks and 15 in peaks
    calibration = calibrate(days)
    assert 15_000 < calibration.daily_per_lane < 25_000
    assert sum(calibration.profile) == pytest.approx(1.0)
