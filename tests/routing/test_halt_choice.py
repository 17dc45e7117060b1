from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from mobility.model.halt_site import ColumnFootprint, HaltSite
from mobility.routing._halt_choice import (
    Halt,
    HaltChooser,
    Halting,
    halt_kind,
    hours_text,
)
from mobility.routing.halt_sites import RouteSite
from mobility.routing.timing import HaltRules

START = datetime(2026, 11, 24, 6, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))
RULES = HaltRules()
HOUR = 3600.0


def test_halt_kinds_follow_eu_driving_times() -> None:
    assert halt_kind(RULES, since_break_s=2 * HOUR, today_s=2 * HOUR, next_stretch_s=2 * HOUR) == (
        "short"
    )
    assert halt_kind(RULES, 4 * HOUR, 4 * HOUR, next_stretch_s=1 * HOUR) == "break"
    assert halt_kind(RULES, 1 * HOUR, 8 * HOUR, next_stretch_s=2 * HOUR) == "daily_rest"
    assert hours_text(2 * HOUR) == "2h00" and hours_text(5400 + 29) == "1h30"


def _site(position: int, vehicles: int = 100) -> RouteSite:
    site = HaltSite(f"s{position}", f"Site {position}", "truck_parking", 4.0, 52.0, vehicles)
    return RouteSite(position, site, 0.0, 0.0)


def _drive(hours: int, sites: tuple[RouteSite, ...], vehicles: int = 10) -> list[Halt]:
    """A route of ``hours`` one-hour edges: the halts taken, driving edge by edge."""
    elapsed = [i * HOUR for i in range(hours + 1)]
    remaining = [(hours - i) * HOUR for i in range(hours + 1)]
    chooser = HaltChooser(
        Halting(RULES, sites, ColumnFootprint(vehicles, 500.0)),
        elapsed_before=elapsed,
        remaining_after=remaining,
        at=lambda seconds: START + timedelta(seconds=seconds),
        lon_lat=lambda node: (4.0 + node / 100, 52.0),
    )
    halts = []
    clock_s = 0.0
    for position in range(hours):
        if position > 0:
            halted = chooser.halt_at(
                position,
                next_edge_s=HOUR,
                node=position,
                distance_m=position * 1e4,
                clock_s=clock_s,
            )
            if halted is not None:
                halts.append(halted[0])
                clock_s = halted[1]
        chooser.drove(HOUR)
        clock_s += HOUR
    return halts


def test_a_short_route_is_driven_without_halts() -> None:
    assert _drive(2, (_site(1),)) == []


def test_the_last_site_that_fits_before_the_limit_is_taken() -> None:
    (halt,) = _drive(4, (_site(1), _site(2), _site(3)))
    assert (halt.name, halt.kind, halt.distance_m) == ("Site 2", "short", 2e4)
    assert halt.end - halt.start == timedelta(seconds=RULES.short_halt_s)
    assert halt.note.startswith("last site that fits before the 2h00 limit")


def test_a_halt_moves_earlier_when_the_next_site_that_fits_is_beyond_the_limit() -> None:
    # Site 2 is too small, Site 3 lies 3 h after the start: halt at Site 1 after 1 h.
    halt, then = _drive(4, (_site(1), _site(2, vehicles=5), _site(3)))
    assert (halt.name, then.name) == ("Site 1", "Site 3")
    assert halt.note == (
        "moved earlier (after 1h00 of driving): the next site that fits, Site 3 (truck parking), "
        "is 2h00 further, beyond the 2h00 limit"
    )


def test_without_a_site_that_fits_the_halt_stands_at_the_roadside_and_says_why() -> None:
    (halt,) = _drive(4, (_site(1, vehicles=5),))
    assert halt.name == "no halt site (roadside at km 20.0)" and halt.site_kind == ""
    assert (halt.lon, halt.lat) == pytest.approx((4.02, 52.0))
    assert halt.note.startswith("no site fits 10 vehicles (500 m2) within 2h00 of driving")
    assert "none further on fits" in halt.note
    assert "sites passed: Site 1 (truck parking): 10 vehicles exceed its 5 places" in halt.note


def test_a_long_day_takes_a_break_and_then_a_daily_rest() -> None:
    halts = _drive(12, tuple(_site(p) for p in range(1, 12)))
    assert [h.kind for h in halts][:3] == ["short", "break", "short"]
    assert "daily_rest" in [h.kind for h in halts]
    rest = next(h for h in halts if h.kind == "daily_rest")
    assert rest.end - rest.start == timedelta(seconds=RULES.daily_rest_s)
