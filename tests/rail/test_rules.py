from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from mobility.errors import DataError
from mobility.rail.rules import SCHEMA, RailRules, default_rail_path, load_rail_rules

AMS = ZoneInfo("Europe/Amsterdam")


@pytest.fixture(scope="module")
def rules() -> RailRules:
    return load_rail_rules()


def test_embedded_file_loads(rules: RailRules) -> None:
    assert default_rail_path().name == "rail.yaml"
    assert set(rules.locomotives) == {"electric", "diesel"}
    assert set(rules.wagons) == {"heavy", "flat"}
    for wagon in rules.wagons.values():
        assert 0 < wagon.deck_length_m <= wagon.length_m
    assert rules.heavy_from_t > 0
    assert rules.gap_m >= 0
    assert set(rules.knock_on_share) == {"night", "day", "peak"}
    assert rules.lines, "expected named lines"
    assert all(line.match == line.match.casefold() for line in rules.lines)
    assert load_rail_rules(default_rail_path()) == rules


@pytest.mark.parametrize(
    ("name", "length"),
    [
        ("Betuweroute", 740.0),
        ("BETUWEROUTE (Kijfhoek - Zevenaar)", 740.0),
        ("Zevenaar \u2013 Emmerich", 740.0),
        ("Havenspoorlijn Rotterdam", 740.0),
        ("Maaslijn", 500.0),
        ("Sloelijn", 600.0),
        ("Spoorlijn Nergenshuizen - Nergens", 650.0),
        ("", 650.0),
    ],
)
def test_line_matches_case_folded_substring(rules: RailRules, name: str, length: float) -> None:
    assert rules.line(name).max_length_m == length


def test_unknown_line_gets_default(rules: RailRules) -> None:
    assert rules.line("Unknown line") is rules.default_line
    assert rules.default_line.max_length_m == 650.0


def test_headway_is_sixty_over_paths(rules: RailRules) -> None:
    betuwe = rules.line("Betuweroute")
    assert betuwe.paths_per_h == {"night": 4, "day": 3, "peak": 2}
    assert betuwe.headway_min("night") == 15
    assert betuwe.headway_min("day") == 20
    assert betuwe.headway_min("peak") == 30
    default = rules.default_line
    assert default.headway_min("night") == 30
    assert default.headway_min("day") == 60
    assert default.headway_min("peak") is None
    for line in (*rules.lines, default):
        for band, paths in line.paths_per_h.items():
            assert line.headway_min(band) == (60 // paths if paths else None)


@pytest.mark.parametrize(
    ("moment", "band"),
    [
        (datetime(2026, 11, 24, 23, 30, tzinfo=AMS), "night"),  # Tuesday
        (datetime(2026, 11, 25, 3, 0, tzinfo=AMS), "night"),
        (datetime(2026, 11, 29, 3, 0, tzinfo=AMS), "night"),  # Sunday
        (datetime(2026, 11, 24, 8, 0, tzinfo=AMS), "peak"),
        (datetime(2026, 11, 24, 17, 0, tzinfo=AMS), "peak"),
        (datetime(2026, 11, 24, 7, 0, tzinfo=UTC), "peak"),  # 08:00 local
        (datetime(2026, 11, 24, 12, 0, tzinfo=AMS), "day"),
        (datetime(2026, 11, 29, 8, 0, tzinfo=AMS), "day"),  # Sunday: no peak
        (datetime(2026, 12, 25, 8, 0, tzinfo=AMS), "day"),  # Christmas (a Friday)
        (datetime(2026, 11, 24, 22, 0, tzinfo=AMS), "night"),
        (datetime(2026, 11, 24, 6, 0, tzinfo=AMS), "peak"),
        (datetime(2026, 11, 24, 5, 59, tzinfo=AMS), "night"),
    ],
)
def test_band(rules: RailRules, moment: datetime, band: str) -> None:
    assert rules.band(moment) == band


def test_to_dict_is_plain(rules: RailRules) -> None:
    plain = rules.to_dict()
    assert plain["heavy_from_t"] == rules.heavy_from_t
    assert plain["wagons"]["heavy"]["payload_t"] == rules.wagons["heavy"].payload_t
    assert plain["locomotives"]["diesel"]["max_gross_t"] == rules.locomotives["diesel"].max_gross_t


def _embedded_text() -> str:
    return default_rail_path().read_text(encoding="utf-8")


# (text to replace, replacement, fragment the message must contain)
BROKEN = [
    (f"schema: {SCHEMA}", "schema: mobility-rail/2", "schema"),
    ("    length_m: 19.9\n", "    length_m: -19.9\n", "wagons.flat length_m"),
    ("    max_gross_t: 1600.0\n", "    max_gross_t: 0\n", "locomotives.diesel max_gross_t"),
    ("  heavy_from_t: 45.0\n", "", "heavy_from_t"),
    (
        "paths_per_h: {night: 2, day: 1, peak: 0}",
        "paths_per_h: {night: 2, day: 1}",
        "lines.default paths_per_h",
    ),
    (
        "paths_per_h: {night: 4, day: 3, peak: 2}",
        "paths_per_h: {night: 4, peak: 2}",
        "lines.by_name[0] paths_per_h",
    ),
    (
        "paths_per_h: {night: 4, day: 3, peak: 2}",
        "paths_per_h: {night: 4, day: -3, peak: 2}",
        "lines.by_name[0] paths_per_h day",
    ),
    (
        "knock_on_share: {night: 0.05, day: 0.2, peak: 0.5}",
        "knock_on_share: {night: 0.05, day: 0.2, peak: 1.5}",
        "knock_on_share",
    ),
    ('night: {from: "22:00", to: "06:00"}', 'night: {from: "22h00", to: "06:00"}', "bands.night"),
    ('night: {from: "22:00", to: "06:00"}', 'night: {from: "22:00", to: "25:00"}', "bands.night"),
    ('{from: "06:00", to: "10:00"}', '{from: "06:00", to: "ten"}', "bands.peak[0]"),
    (
        '    max_length_m: 650.0\n    source: "ProRail / DB: trains crossing',
        '    max_length_m: long\n    source: "ProRail / DB: trains crossing',
        "crossings[0] max_length_m",
    ),
    ("  - match: bcp-rail-venlo-kaldenkirchen", '  - match: ""', "crossings[0] match"),
]


@pytest.mark.parametrize(("old", "new", "field"), BROKEN)
def test_bad_field_raises_data_error(tmp_path: Path, old: str, new: str, field: str) -> None:
    text = _embedded_text()
    assert old in text, f"test out of date: {old!r} no longer in data/rail.yaml"
    path = tmp_path / "rail.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(DataError) as caught:
        load_rail_rules(path)
    message = str(caught.value)
    assert field in message
    assert str(path) in message


def test_unchanged_copy_loads(tmp_path: Path, rules: RailRules) -> None:
    path = tmp_path / "rail.yaml"
    path.write_text(_embedded_text(), encoding="utf-8")
    assert load_rail_rules(path) == rules


def test_missing_file_names_it(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.yaml"
    with pytest.raises(DataError, match=r"nowhere\.yaml"):
        load_rail_rules(path)


def test_venlo_border_trains_are_650_m_by_a_crossing_rule(rules: RailRules) -> None:
    venlo = rules.crossing("bcp-rail-venlo-kaldenkirchen")
    assert venlo is not None and venlo.max_length_m == 650.0
    assert rules.crossing("BCP-RAIL-VENLO-KALDENKIRCHEN") == venlo
    assert rules.crossing("bcp-rail-zevenaar-emmerich", "Zevenaar - Emmerich") is None
