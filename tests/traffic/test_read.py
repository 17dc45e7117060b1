"""One entry point for traffic files: the header decides between NDW and the count CSV."""

from __future__ import annotations

from pathlib import Path

import pytest

from mobility.errors import DataError
from mobility.traffic.read import read_traffic

DATA = Path(__file__).parent.parent / "data" / "traffic"


def test_a_count_file_is_read_by_its_header() -> None:
    counts = read_traffic(DATA / "counts-tiny.csv")
    assert counts.counts  # at least one road, direction and day type
    for hourly in counts.counts.values():
        assert len(hourly.veh_h_per_lane) == 24 and min(hourly.veh_h_per_lane) >= 0


def test_an_unknown_header_is_refused_naming_both_formats(tmp_path: Path) -> None:
    path = tmp_path / "flows.csv"
    path.write_text("site;when;flow\nx;1;2\n")
    with pytest.raises(DataError, match=r"flows.csv: line 1: header .* is neither an NDW export"):
        read_traffic(path)
    with pytest.raises(DataError, match="cannot read the traffic file"):
        read_traffic(tmp_path / "absent.csv")


@pytest.mark.realdata
def test_an_ndw_export_averages_its_sites_by_road_direction_and_day_type(
    shared_traffic: Path,
) -> None:
    counts = read_traffic(shared_traffic / "ndw-loops" / "A20-eastbound.CSV")
    assert counts.counts
    for (road, _direction, day_type), hourly in counts.counts.items():
        assert road == "A20" and day_type == "weekday"
        assert "A20-eastbound.CSV: sites" in hourly.source
        assert max(hourly.veh_h_per_lane) > 500  # a motorway lane in the peak
