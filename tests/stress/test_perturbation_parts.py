from __future__ import annotations

import math
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from mobility.errors import DataError
from mobility.stress._perturbation_parts import (
    BorderClosure,
    CapacityReduction,
    Curfew,
    ElementClosure,
    PortLoss,
    RandomFailures,
    Surge,
    curfew_closures,
)


def test_curfew_windows_follow_local_time_across_dst() -> None:
    local = ZoneInfo("Europe/Amsterdam")
    curfew = Curfew("A73", ((22 * 60, 6 * 60),))
    start = datetime(2026, 3, 28, 12, 0, tzinfo=local)  # DST starts on 29 March
    spans = curfew_closures(curfew, start, datetime(2026, 3, 30, 12, 0, tzinfo=local), local)
    assert [(a.hour, b.hour) for a, b in spans] == [(22, 6), (22, 6)]
    elapsed = spans[0][1].astimezone(UTC) - spans[0][0].astimezone(UTC)
    assert elapsed.total_seconds() == 7 * 3600  # one hour lost to DST
    assert Curfew("x", ((0, 720), (600, 780))).closed_share == pytest.approx(13 / 24)


def test_perturbation_parts_are_validated_on_construction() -> None:
    with pytest.raises(DataError, match="remaining: expected a finite number"):
        CapacityReduction("A16", math.nan)
    with pytest.raises(DataError, match="remaining: expected a share"):
        PortLoss("spod-rotterdam", remaining=1.5)
    with pytest.raises(DataError, match="mode 'air' is not one of"):
        ElementClosure("A16", mode="air")
    with pytest.raises(DataError, match="expected a non-empty name"):
        ElementClosure(" ")
    with pytest.raises(DataError, match="is empty"):
        Curfew("A73", ((360, 360),))
    with pytest.raises(DataError, match="surge scale"):
        Surge(math.inf)
    with pytest.raises(DataError, match="'ferry' is not one of"):
        RandomFailures(probability={"ferry": 0.1})
    with pytest.raises(DataError, match="seed"):
        RandomFailures(seed=-1)


def test_timed_closures_and_failure_probabilities() -> None:
    start = datetime(2026, 11, 24, 6, 0, tzinfo=UTC)
    assert not ElementClosure("A16").timed and ElementClosure("A16", start=start).timed
    assert BorderClosure("bcp-venlo-a67", end=start).timed
    with pytest.raises(DataError, match="'to' must be after 'from'"):
        BorderClosure("bcp-venlo-a67", start=start, end=start)
    failures = RandomFailures(probability={"default": 0.01, "bridge": 0.2})
    assert failures.of_kind("bridge") == 0.2 and failures.of_kind("tunnel") == 0.01
    assert RandomFailures(probability={"bridge": 0.2}).of_kind("road") == 0.0


def test_curfew_spans_are_clipped_to_the_horizon() -> None:
    curfew = Curfew("A67", ((22 * 60, 6 * 60), (12 * 60, 13 * 60)))
    start = datetime(2026, 11, 24, 0, 0, tzinfo=UTC)
    end = datetime(2026, 11, 25, 12, 30, tzinfo=UTC)
    spans = curfew_closures(curfew, start, end, UTC)
    assert spans == [
        (start, datetime(2026, 11, 24, 6, 0, tzinfo=UTC)),
        (datetime(2026, 11, 24, 12, 0, tzinfo=UTC), datetime(2026, 11, 24, 13, 0, tzinfo=UTC)),
        (datetime(2026, 11, 24, 22, 0, tzinfo=UTC), datetime(2026, 11, 25, 6, 0, tzinfo=UTC)),
        (datetime(2026, 11, 25, 12, 0, tzinfo=UTC), end),
    ]
