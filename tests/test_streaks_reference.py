"""The pure-Python streak reference against hand-worked cases (docs/streaks.md).

The expectations live in tests/reference/streak_cases.py (shared with the engine golden tests);
this file also checks the reference's period boundaries directly.
"""

from __future__ import annotations

from datetime import date

import pytest

from gamify_analytics import config
from tests.reference import streaks as ref
from tests.reference.streak_cases import CASES, STREAK, Case, U


def _streak(case: Case) -> config.Streak:
    return config.parse(case.config_raw()).streaks[0]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_reference_matches_hand_worked_case(case: Case) -> None:
    streak = _streak(case)
    for chk in case.checks:
        states, history = ref.compute(case.events, streak, chk.as_of)
        assert states == list(chk.states), f"states as of {chk.as_of}"
        assert history == list(chk.history), f"history as of {chk.as_of}"
        assert all(s.streak == STREAK for s in states)


BOUNDS = [
    # day zone frequency start(P) end(P), worked out by hand from the zone's rules.
    # 23 h and 25 h days.
    "2024-03-10 America/New_York daily 2024-03-10T05:00Z 2024-03-11T04:00Z",
    "2024-11-03 America/New_York daily 2024-11-03T04:00Z 2024-11-04T05:00Z",
    "2024-03-31 Europe/London daily 2024-03-31T00:00Z 2024-03-31T23:00Z",
    "2024-10-27 Europe/London daily 2024-10-26T23:00Z 2024-10-28T00:00Z",
    # 24.5 h and 23.5 h days (+11 → +10:30 and back).
    "2024-04-07 Australia/Lord_Howe daily 2024-04-06T13:00Z 2024-04-07T13:30Z",
    "2024-10-06 Australia/Lord_Howe daily 2024-10-05T13:30Z 2024-10-06T13:00Z",
    # A day that starts at 01:00 local (00:00 never happens) and a 25 h day ending at 24:00.
    "2024-09-08 America/Santiago daily 2024-09-08T04:00Z 2024-09-09T03:00Z",
    "2024-04-06 America/Santiago daily 2024-04-06T03:00Z 2024-04-07T04:00Z",
    # Apia: 12-29 is a normal day ending where 12-31 begins; 12-30 has no instants.
    "2011-12-29 Pacific/Apia daily 2011-12-29T10:00Z 2011-12-30T10:00Z",
    "2011-12-30 Pacific/Apia daily 2011-12-30T10:00Z 2011-12-30T10:00Z",
    "2011-12-31 Pacific/Apia daily 2011-12-30T10:00Z 2011-12-31T10:00Z",
    # +05:45, and Chatham's +13:45 (summer).
    "2024-01-10 Asia/Kathmandu daily 2024-01-09T18:15Z 2024-01-10T18:15Z",
    "2024-01-10 Pacific/Chatham daily 2024-01-09T10:15Z 2024-01-10T10:15Z",
    # Weekly (ISO 2025-W01 starts on 2024-12-30; a week with a DST change) and monthly.
    "2024-12-30 America/New_York weekly 2024-12-30T05:00Z 2025-01-06T05:00Z",
    "2024-03-04 America/New_York weekly 2024-03-04T05:00Z 2024-03-11T04:00Z",
    "2024-03-01 America/New_York monthly 2024-03-01T05:00Z 2024-04-01T04:00Z",
    "2024-12-01 Europe/London monthly 2024-12-01T00:00Z 2025-01-01T00:00Z",
]


@pytest.mark.parametrize("row", BOUNDS, ids=[" ".join(r.split()[:3]) for r in BOUNDS])
def test_period_bounds(row: str) -> None:
    day, zone, frequency, start, end = row.split()
    key = date.fromisoformat(day)
    assert ref.from_ms(ref.period_start(key, zone)) == U(start)
    assert ref.from_ms(ref.period_end(key, zone, frequency)) == U(end)


def test_skipped_day_does_not_exist() -> None:
    apia = "Pacific/Apia"
    assert not ref.exists(date(2011, 12, 30), apia, "daily")
    assert ref.exists(date(2011, 12, 29), apia, "daily")
    assert ref.exists(date(2011, 12, 31), apia, "daily")
    # The days following 12-28 in Apia: 12-29, then 12-31.
    assert ref.following(date(2011, 12, 28), apia, "daily", 2) == [
        date(2011, 12, 29),
        date(2011, 12, 31),
    ]
    # k from 12-29 to 12-31's start is 0; from 12-28 it is 1.
    t = ref.period_start(date(2011, 12, 31), apia)
    assert ref.missed(date(2011, 12, 29), apia, t, "daily", limit=10) == 0
    assert ref.missed(date(2011, 12, 28), apia, t, "daily", limit=10) == 1


def test_missed_counts_ended_periods_only() -> None:
    ny = "America/New_York"
    p = date(2024, 3, 9)
    # 03-10 ends at 03-11T04:00Z (23 h day): not ended 1 ms before, ended at that instant.
    assert ref.missed(p, ny, ref.to_ms(U("2024-03-11T03:59:59.999Z")), "daily", 10) == 0
    assert ref.missed(p, ny, ref.to_ms(U("2024-03-11T04:00:00Z")), "daily", 10) == 1
    assert ref.missed(p, ny, ref.to_ms(U("2024-03-20T04:00:00Z")), "daily", 10) == 10  # limit
    assert ref.missed(p, ny, ref.to_ms(U("2024-03-20T04:00:00Z")), "daily", 100) == 10


def test_local_dates_use_the_event_zone() -> None:
    t = ref.to_ms(U("2024-03-11T03:59:59.999Z"))
    assert ref.local_date(t, "America/New_York") == date(2024, 3, 10)
    assert ref.local_date(t, "UTC") == date(2024, 3, 11)
    assert ref.period_key(date(2025, 1, 1), "weekly") == date(2024, 12, 30)
    assert ref.period_key(date(2024, 2, 29), "monthly") == date(2024, 2, 1)
    assert ref.next_key(date(2024, 12, 1), "monthly") == date(2025, 1, 1)
