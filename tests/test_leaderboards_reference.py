"""The pure-Python leaderboard reference against hand-worked cases (
docs/leaderboards.md). Every expectation was worked out by hand in the comments, not by running
any implementation. Times are UTC unless a comment gives the local time.

The cases are data (`tests/reference/leaderboard_cases.py`), so
tests/test_leaderboards_property.py runs the same hand-worked cases on both engines.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest

from tests.reference import leaderboards as ref
from tests.reference.leaderboard_cases import AS_OF, CASES, D1, USERS, W1, W2
from tests.reference.streak_cases import U


@pytest.mark.parametrize("name", sorted(CASES))
def test_case(name: str) -> None:
    c = CASES[name]
    cfg = c.config
    for r in c.reads:
        got = ref.standings(c.events, c.users, cfg, "lb", r.run, r.group, r.as_of)
        assert got == r.want, (name, r)


def test_run_keys() -> None:
    def keys(name: str, as_of: datetime = AS_OF) -> list[date]:
        return ref.run_keys(CASES[name].events, CASES[name].config, "lb", as_of)

    assert keys("weekly") == [W1, W2]
    assert keys("daily_travel") == [date(2024, 3, 3), date(2024, 3, 4)]
    assert keys("perpetual") == [date(1970, 1, 1)]
    assert keys("streak") == [date(1970, 1, 1)]
    # points: the runs of the ledger rows' local dates (u3's row is Tokyo's 03-02)
    assert keys("points_clamped") == [date(2024, 3, 1), date(2024, 3, 2)]
    # only contributions up to as_of
    assert keys("ties", U("2024-03-01T23:59:59Z")) == [D1]


def test_groups_join_attribute_values_and_name_missing_ones() -> None:
    assert ref.groups(USERS, ["country"]) == {
        "u1": "US",
        "u2": "US",
        "u3": "US",
        "u4": "NZ",
        "u5": "(none)",
    }
    assert ref.groups(USERS, ["country", "plan"]) == {
        "u1": "US/pro",
        "u2": "US/(none)",
        "u3": "US/free",
        "u4": "NZ/free",
        "u5": "(none)/free",
    }
    assert ref.groups(USERS, []) == {u: "" for u in USERS}


def test_a_perpetual_run_is_keyed_1970_01_01() -> None:
    c = CASES["perpetual"]
    want = c.reads[0].want
    assert ref.standings(c.events, {}, c.config, "lb", date(1970, 1, 1), "", AS_OF) == want


# --- run keys, ends and due times --------------------------------------------------------------


@pytest.mark.parametrize(
    ("d", "period", "key"),
    [
        (date(2024, 3, 3), "daily", date(2024, 3, 3)),
        (date(2024, 3, 3), "weekly", date(2024, 2, 26)),  # a Sunday: the Monday before
        (date(2024, 3, 4), "weekly", date(2024, 3, 4)),  # a Monday: itself
        (date(2024, 12, 31), "weekly", date(2024, 12, 30)),  # ISO week 1 of 2025
        (date(2024, 2, 29), "monthly", date(2024, 2, 1)),
        (date(2024, 2, 29), "perpetual", date(1970, 1, 1)),
    ],
)
def test_run_key(d: date, period: str, key: date) -> None:
    assert ref.run_key(d, period) == key


@pytest.mark.parametrize(
    ("key", "period", "hours", "end", "due"),
    [
        # daily D ends at D+1 00:00 UTC, due at D+1 12:00 UTC
        (date(2024, 3, 1), "daily", 12, "2024-03-02T00:00:00Z", "2024-03-02T12:00:00Z"),
        (date(2024, 2, 29), "daily", 12, "2024-03-01T00:00:00Z", "2024-03-01T12:00:00Z"),
        (date(2024, 12, 31), "daily", 0, "2025-01-01T00:00:00Z", "2025-01-01T00:00:00Z"),
        # weekly: the next Monday, + 12 h
        (date(2024, 2, 26), "weekly", 12, "2024-03-04T00:00:00Z", "2024-03-04T12:00:00Z"),
        (date(2024, 12, 30), "weekly", 1.5, "2025-01-06T00:00:00Z", "2025-01-06T01:30:00Z"),
        # monthly: the first of the next month, + 12 h
        (date(2024, 2, 1), "monthly", 12, "2024-03-01T00:00:00Z", "2024-03-01T12:00:00Z"),
        (date(2024, 12, 1), "monthly", 12, "2025-01-01T00:00:00Z", "2025-01-01T12:00:00Z"),
        # DST days in New York change nothing: ends are UTC midnights
        (date(2024, 3, 10), "daily", 36, "2024-03-11T00:00:00Z", "2024-03-12T12:00:00Z"),
    ],
)
def test_run_end_and_due(key: date, period: str, hours: float, end: str, due: str) -> None:
    assert ref.run_end(key, period) == U(end)
    assert ref.due(key, period, hours) == U(due)


def test_previous_key() -> None:
    assert ref.previous_key(date(2024, 3, 1), "daily") == date(2024, 2, 29)
    assert ref.previous_key(date(2024, 3, 4), "weekly") == date(2024, 2, 26)
    assert ref.previous_key(date(2024, 1, 1), "monthly") == date(2023, 12, 1)
    assert ref.previous_key(date(2024, 3, 1), "monthly") == date(2024, 2, 1)
    assert ref.previous_key(date(1970, 1, 1), "perpetual") is None
