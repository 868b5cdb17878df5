"""Named streak cases with hand-worked expectations (docs/streaks.md).

Shared by tests/test_streaks_reference.py (the reference alone) and tests/test_streaks_golden.py
(both engines). Every expectation below was worked out by hand in the comments, not by running
any implementation. Times are written in UTC; the comment next to each gives the local time.

Notation in comments: start(P)/end(P) are instants of the period in its zone; k = missed
periods; F = freezes left after the last qualifying period.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import polars as pl

from tests.reference.streaks import Event, HistoryRow, StreakState, to_ms

STREAK = "s"
METRICS = ("a", "b")


def U(text: str) -> datetime:
    """A UTC instant written as `YYYY-MM-DDTHH:MM:SS[.fff]Z`."""
    assert text.endswith("Z")
    return datetime.fromisoformat(text[:-1]).replace(tzinfo=UTC)


def D(text: str | None) -> date | None:
    return None if text is None else date.fromisoformat(text)


@dataclass(frozen=True)
class Check:
    as_of: datetime
    states: tuple[StreakState, ...]
    history: tuple[HistoryRow, ...]


@dataclass(frozen=True)
class Case:
    name: str
    streak: dict[str, Any]  # a [[streaks]] entry of the config, without its key
    events: tuple[Event, ...]
    checks: tuple[Check, ...]

    def config_raw(self, key: str = STREAK) -> dict[str, Any]:
        return {"metrics": [{"key": m} for m in METRICS], "streaks": [{"key": key, **self.streak}]}


def ev(
    user: str,
    ts: str,
    zone: str,
    value: str = "1",
    metric: str = "a",
    event_id: str | None = None,
) -> dict[str, Any]:
    return {"user": user, "ts": ts, "zone": zone, "value": value, "metric": metric, "id": event_id}


def events(*rows: dict[str, Any]) -> tuple[Event, ...]:
    """Events with ids e000, e001, … in the order written, unless given."""
    return tuple(
        Event(
            r["user"],
            r["metric"],
            r["id"] or f"e{i:03d}",
            Decimal(r["value"]),
            U(r["ts"]),
            r["zone"],
        )
        for i, r in enumerate(rows)
    )


def S(user: str, row: str) -> StreakState:
    """A state row: "length longest started last_period freezes_left status expires_at", with
    `-` for null (dates as YYYY-MM-DD, expires_at as a UTC instant)."""
    length, longest, started, last, freezes_left, status, expires = (
        None if f == "-" else f for f in row.split()
    )
    return StreakState(
        user,
        STREAK,
        int(length),
        int(longest),
        D(started),
        D(last),
        int(freezes_left),
        status,
        None if expires is None else U(expires),
    )


def Q(user: str, period: str, length: int) -> HistoryRow:
    """A qualifying period's history row (length after it)."""
    return HistoryRow(user, STREAK, date.fromisoformat(period), True, False, length)


def F(user: str, period: str, length: int) -> HistoryRow:
    """A frozen period's history row (length before the period it bridged to)."""
    return HistoryRow(user, STREAK, date.fromisoformat(period), False, True, length)


def check(as_of: str, states: list[StreakState], history: list[HistoryRow]) -> Check:
    return Check(U(as_of), tuple(states), tuple(history))


DAILY_A = {"frequency": "daily", "conditions": [{"metric": "a"}]}
NY, LON, LHI, APIA = "America/New_York", "Europe/London", "Australia/Lord_Howe", "Pacific/Apia"
TYO, HNL, KTM, SCL = "Asia/Tokyo", "Pacific/Honolulu", "Asia/Kathmandu", "America/Santiago"

CASES: list[Case] = []

# --- New York, 2024-03-10: a 23 h day -------------------------------------------------------
# EST (-5) until 2024-03-10 07:00Z, then EDT (-4).
# start(03-09) = 03-09T05:00Z, start(03-10) = 03-10T05:00Z, start(03-11) = 03-11T04:00Z (23 h),
# start(03-12) = 03-12T04:00Z, start(03-13) = 03-13T04:00Z.
CASES.append(
    Case(
        "new_york_23h_day_2024_03_10",
        DAILY_A,
        events(
            ev("edges", "2024-03-10T04:59:59.999Z", NY),  # 03-09 23:59:59.999 EST
            ev("edges", "2024-03-11T03:59:59.999Z", NY),  # 03-10 23:59:59.999 EDT
            ev("edges", "2024-03-11T04:00:00.000Z", NY),  # 03-11 00:00 EDT (86400-s: still 03-10)
            ev("gap", "2024-03-09T05:00:00Z", NY),  # 03-09 00:00 EST
            ev("gap", "2024-03-11T04:00:00Z", NY),  # 03-11 00:00 EDT: 47 h later, 03-10 missed
            ev("ms", "2024-03-10T04:59:59.999Z", NY),  # 03-09 23:59:59.999 EST
            ev("ms", "2024-03-10T05:00:00.000Z", NY),  # 03-10 00:00 EST, 1 ms later
        ),
        (
            # T = 03-11 08:00 EDT.
            # edges: 09, 10, 11 consecutive → 3; end(11) = 03-12T04:00Z > T → active;
            #   expires = end(03-12) = 03-13T04:00Z.
            # gap: k(03-09 → 03-11) = 1 (end(03-10) = 03-11T04:00Z <= start(03-11)) > 0 freezes
            #   → new chain of 1 started 03-11; active, expires 03-13T04:00Z.
            # ms: 09, 10 → 2; end(10) = 03-11T04:00Z <= T → at_risk; k_T = 0 (03-11 not over);
            #   expires = end(03-11) = 03-12T04:00Z.
            check(
                "2024-03-11T12:00:00Z",
                [
                    S("edges", "3 3 2024-03-09 2024-03-11 0 active 2024-03-13T04:00:00Z"),
                    S("gap", "1 1 2024-03-11 2024-03-11 0 active 2024-03-13T04:00:00Z"),
                    S("ms", "2 2 2024-03-09 2024-03-10 0 at_risk 2024-03-12T04:00:00Z"),
                ],
                [
                    Q("edges", "2024-03-09", 1),
                    Q("edges", "2024-03-10", 2),
                    Q("edges", "2024-03-11", 3),
                    Q("gap", "2024-03-09", 1),
                    Q("gap", "2024-03-11", 1),
                    Q("ms", "2024-03-09", 1),
                    Q("ms", "2024-03-10", 2),
                ],
            ),
            # T = 03-12T04:00Z = end(03-11): edges/gap at_risk (T == end is not inside);
            # ms: end(03-11) <= T → k_T = 1 > 0 → broken.
            check(
                "2024-03-12T04:00:00Z",
                [
                    S("edges", "3 3 2024-03-09 2024-03-11 0 at_risk 2024-03-13T04:00:00Z"),
                    S("gap", "1 1 2024-03-11 2024-03-11 0 at_risk 2024-03-13T04:00:00Z"),
                    S("ms", "0 2 - 2024-03-10 0 broken -"),
                ],
                [
                    Q("edges", "2024-03-09", 1),
                    Q("edges", "2024-03-10", 2),
                    Q("edges", "2024-03-11", 3),
                    Q("gap", "2024-03-09", 1),
                    Q("gap", "2024-03-11", 1),
                    Q("ms", "2024-03-09", 1),
                    Q("ms", "2024-03-10", 2),
                ],
            ),
        ),
    )
)

# --- New York, 2024-11-03: a 25 h day -------------------------------------------------------
# EDT (-4) until 2024-11-03 06:00Z, then EST (-5).
# start(11-02) = 11-02T04:00Z, start(11-03) = 11-03T04:00Z, start(11-04) = 11-04T05:00Z (25 h),
# start(11-05) = 11-05T05:00Z, start(11-06) = 11-06T05:00Z.
CASES.append(
    Case(
        "new_york_25h_day_2024_11_03",
        DAILY_A,
        events(
            ev("edges", "2024-11-02T16:00:00Z", NY),  # 11-02 12:00 EDT
            ev("edges", "2024-11-04T04:59:59.999Z", NY),  # 11-03 23:59:59.999 EST (86400-s: 11-04)
            ev("edges", "2024-11-04T05:00:00Z", NY),  # 11-04 00:00 EST
            ev("late", "2024-11-02T16:00:00Z", NY),  # 11-02 12:00 EDT
        ),
        (
            # T = 11-03 23:59:59.999 EST.
            # edges: 11-02, 11-03 → 2; T < end(11-03) = 11-04T05:00Z → active;
            #   expires = end(11-04) = 11-05T05:00Z.
            # late: 11-02 → 1; T >= end(11-02); 11-03 has not ended → k_T = 0 → at_risk;
            #   expires = end(11-03) = 11-04T05:00Z (not 04:00Z: the day has 25 h).
            check(
                "2024-11-04T04:59:59.999Z",
                [
                    S("edges", "2 2 2024-11-02 2024-11-03 0 active 2024-11-05T05:00:00Z"),
                    S("late", "1 1 2024-11-02 2024-11-02 0 at_risk 2024-11-04T05:00:00Z"),
                ],
                [
                    Q("edges", "2024-11-02", 1),
                    Q("edges", "2024-11-03", 2),
                    Q("late", "2024-11-02", 1),
                ],
            ),
            # T = 11-04 00:00 EST: edges gets 11-04 → 3, active, expires end(11-05) = 11-06T05:00Z;
            # late: end(11-03) <= T → k_T = 1 → broken.
            check(
                "2024-11-04T05:00:00Z",
                [
                    S("edges", "3 3 2024-11-02 2024-11-04 0 active 2024-11-06T05:00:00Z"),
                    S("late", "0 1 - 2024-11-02 0 broken -"),
                ],
                [
                    Q("edges", "2024-11-02", 1),
                    Q("edges", "2024-11-03", 2),
                    Q("edges", "2024-11-04", 3),
                    Q("late", "2024-11-02", 1),
                ],
            ),
        ),
    )
)

# --- London, 2024-03-31: a 23 h day ---------------------------------------------------------
# GMT until 2024-03-31 01:00Z, then BST (+1).
# start(03-31) = 03-31T00:00Z, start(04-01) = 03-31T23:00Z (23 h), start(04-02) = 04-01T23:00Z,
# start(04-03) = 04-02T23:00Z.
CASES.append(
    Case(
        "london_23h_day_2024_03_31",
        DAILY_A,
        events(
            ev("edges", "2024-03-30T23:59:59.999Z", LON),  # 03-30 23:59:59.999 GMT
            ev("edges", "2024-03-31T22:59:59.999Z", LON),  # 03-31 23:59:59.999 BST
            ev("edges", "2024-03-31T23:00:00Z", LON),  # 04-01 00:00 BST
            ev("short", "2024-03-31T00:00:00Z", LON),  # 03-31 00:00 GMT
            ev("short", "2024-03-31T23:30:00Z", LON),  # 04-01 00:30 BST, 23.5 h later
        ),
        (
            # T = 04-01 00:30 BST. edges: 30, 31, 01 → 3; short: 31, 01 → 2. Both active
            # (end(04-01) = 04-01T23:00Z), expires = end(04-02) = 04-02T23:00Z.
            check(
                "2024-03-31T23:30:00Z",
                [
                    S("edges", "3 3 2024-03-30 2024-04-01 0 active 2024-04-02T23:00:00Z"),
                    S("short", "2 2 2024-03-31 2024-04-01 0 active 2024-04-02T23:00:00Z"),
                ],
                [
                    Q("edges", "2024-03-30", 1),
                    Q("edges", "2024-03-31", 2),
                    Q("edges", "2024-04-01", 3),
                    Q("short", "2024-03-31", 1),
                    Q("short", "2024-04-01", 2),
                ],
            ),
        ),
    )
)

# --- London, 2024-10-27: a 25 h day ---------------------------------------------------------
# BST (+1) until 2024-10-27 01:00Z, then GMT.
# start(10-26) = 10-25T23:00Z, start(10-27) = 10-26T23:00Z, start(10-28) = 10-28T00:00Z (25 h),
# start(10-29) = 10-29T00:00Z, start(10-30) = 10-30T00:00Z.
CASES.append(
    Case(
        "london_25h_day_2024_10_27",
        DAILY_A,
        events(
            ev("edges", "2024-10-26T22:59:59.999Z", LON),  # 10-26 23:59:59.999 BST
            ev("edges", "2024-10-26T23:00:00Z", LON),  # 10-27 00:00 BST
            ev("edges", "2024-10-27T23:59:59.999Z", LON),  # 10-27 23:59:59.999 GMT
            ev("edges", "2024-10-28T00:00:00Z", LON),  # 10-28 00:00 GMT
            ev("long_gap", "2024-10-26T11:00:00Z", LON),  # 10-26 12:00 BST
            ev("long_gap", "2024-10-28T00:00:00Z", LON),  # 10-28 00:00 GMT (10-27 missed)
        ),
        (
            # T = 10-27 23:59:59.999 GMT.
            # edges: 10-26, 10-27 → 2; active (end(10-27) = 10-28T00:00Z);
            #   expires = end(10-28) = 10-29T00:00Z.
            # long_gap: 10-26 → 1; end(10-26) = 10-26T23:00Z <= T; 10-27 not over → at_risk;
            #   expires = end(10-27) = 10-28T00:00Z (a 24 h rule would say broken at 23:00Z).
            check(
                "2024-10-27T23:59:59.999Z",
                [
                    S("edges", "2 2 2024-10-26 2024-10-27 0 active 2024-10-29T00:00:00Z"),
                    S("long_gap", "1 1 2024-10-26 2024-10-26 0 at_risk 2024-10-28T00:00:00Z"),
                ],
                [
                    Q("edges", "2024-10-26", 1),
                    Q("edges", "2024-10-27", 2),
                    Q("long_gap", "2024-10-26", 1),
                ],
            ),
            # T = 10-28 00:00 GMT. edges: 26, 27, 28 → 3, active, expires end(10-29) = 10-30T00:00Z.
            # long_gap: k(10-26 → 10-28) = 1 (end(10-27) = 10-28T00:00Z <= start(10-28)), no
            #   freezes → new chain of 1 from 10-28; active, expires 10-30T00:00Z.
            check(
                "2024-10-28T00:00:00Z",
                [
                    S("edges", "3 3 2024-10-26 2024-10-28 0 active 2024-10-30T00:00:00Z"),
                    S("long_gap", "1 1 2024-10-28 2024-10-28 0 active 2024-10-30T00:00:00Z"),
                ],
                [
                    Q("edges", "2024-10-26", 1),
                    Q("edges", "2024-10-27", 2),
                    Q("edges", "2024-10-28", 3),
                    Q("long_gap", "2024-10-26", 1),
                    Q("long_gap", "2024-10-28", 1),
                ],
            ),
        ),
    )
)

# --- Australia/Lord_Howe: 30-minute DST shifts ----------------------------------------------
# +11 until 2024-04-06 15:00Z, then +10:30 until 2024-10-05 15:30Z, then +11.
# start(04-06) = 04-05T13:00Z, start(04-07) = 04-06T13:00Z, start(04-08) = 04-07T13:30Z (24.5 h),
# start(04-09) = 04-08T13:30Z.
# start(10-05) = 10-04T13:30Z, start(10-06) = 10-05T13:30Z, start(10-07) = 10-06T13:00Z (23.5 h),
# start(10-08) = 10-07T13:00Z, start(10-09) = 10-08T13:00Z.
CASES.append(
    Case(
        "lord_howe_30min_shift_2024",
        DAILY_A,
        events(
            ev("april", "2024-04-06T01:00:00Z", LHI),  # 04-06 12:00 +11
            ev("april", "2024-04-07T13:29:59.999Z", LHI),  # 04-07 23:59:59.999 +10:30
            ev("april", "2024-04-07T13:30:00Z", LHI),  # 04-08 00:00 +10:30
            ev("april_naive", "2024-04-06T12:59:00Z", LHI),  # 04-06 23:59 +11
            ev("april_naive", "2024-04-07T13:00:00Z", LHI),  # 04-07 23:30 +10:30 (not 04-08)
            ev("october", "2024-10-05T13:29:59.999Z", LHI),  # 10-05 23:59:59.999 +10:30
            ev("october", "2024-10-05T13:30:00Z", LHI),  # 10-06 00:00 +10:30
            ev("october", "2024-10-06T12:59:59.999Z", LHI),  # 10-06 23:59:59.999 +11
            ev("october", "2024-10-06T13:00:00Z", LHI),  # 10-07 00:00 +11
        ),
        (
            # T = 04-07 23:59:59.999 +10:30: april 06, 07 → 2; april_naive 06, 07 → 2. Both
            # active (end(04-07) = 04-07T13:30Z), expires end(04-08) = 04-08T13:30Z.
            # october has no event yet: no row.
            check(
                "2024-04-07T13:29:59.999Z",
                [
                    S("april", "2 2 2024-04-06 2024-04-07 0 active 2024-04-08T13:30:00Z"),
                    S("april_naive", "2 2 2024-04-06 2024-04-07 0 active 2024-04-08T13:30:00Z"),
                ],
                [
                    Q("april", "2024-04-06", 1),
                    Q("april", "2024-04-07", 2),
                    Q("april_naive", "2024-04-06", 1),
                    Q("april_naive", "2024-04-07", 2),
                ],
            ),
            # T = 10-07 11:00 +11: april (06, 07, 08 → 3) and april_naive long broken;
            # october 05, 06, 07 → 3, active (end(10-07) = 10-07T13:00Z), expires
            # end(10-08) = 10-08T13:00Z.
            check(
                "2024-10-07T00:00:00Z",
                [
                    S("april", "0 3 - 2024-04-08 0 broken -"),
                    S("april_naive", "0 2 - 2024-04-07 0 broken -"),
                    S("october", "3 3 2024-10-05 2024-10-07 0 active 2024-10-08T13:00:00Z"),
                ],
                [
                    Q("april", "2024-04-06", 1),
                    Q("april", "2024-04-07", 2),
                    Q("april", "2024-04-08", 3),
                    Q("april_naive", "2024-04-06", 1),
                    Q("april_naive", "2024-04-07", 2),
                    Q("october", "2024-10-05", 1),
                    Q("october", "2024-10-06", 2),
                    Q("october", "2024-10-07", 3),
                ],
            ),
        ),
    )
)

# --- Pacific/Apia skips 2011-12-30 ----------------------------------------------------------
# -10 (DST) until 2011-12-30 10:00Z, then +14: 12-29 24:00 became 12-31 00:00.
# start(12-28) = 12-28T10:00Z, start(12-29) = 12-29T10:00Z, start(12-30) = start(12-31) =
# 12-30T10:00Z (12-30 does not exist), start(01-01) = 12-31T10:00Z, start(01-02) = 01-01T10:00Z,
# start(01-03) = 01-02T10:00Z.
CASES.append(
    Case(
        "apia_skipped_2011_12_30",
        {**DAILY_A, "freezes": {"initial": 1, "max": 1}},
        events(
            ev("jump", "2011-12-29T22:00:00Z", APIA),  # 12-29 12:00 -10
            ev("jump", "2011-12-30T22:00:00Z", APIA),  # 12-31 12:00 +14
            ev("ms", "2011-12-30T09:59:59.999Z", APIA),  # 12-29 23:59:59.999 -10
            ev("ms", "2011-12-30T10:00:00Z", APIA),  # 12-31 00:00 +14
            ev("freeze", "2011-12-28T22:00:00Z", APIA),  # 12-28 12:00 -10
            ev("freeze", "2011-12-30T22:00:00Z", APIA),  # 12-31 12:00 +14
        ),
        (
            # T = 12-31 14:00 +14.
            # jump, ms: after 12-29 the next existing day is 12-31, ending 12-31T10:00Z >
            #   start(12-31) → k = 0, continues: 2, no freeze used (F = 1). Active (end(12-31) =
            #   12-31T10:00Z > T). Expires = end of the 2nd day after 12-31 = end(01-02) =
            #   01-02T10:00Z.
            # freeze: after 12-28: 12-29 ended 12-30T10:00Z <= start(12-31) (counted), 12-30 does
            #   not exist, 12-31 not over → k = 1 <= 1 → 2, F = 0, 12-29 frozen (not 12-30).
            #   Expires = end(01-01) = 01-01T10:00Z.
            check(
                "2011-12-31T00:00:00Z",
                [
                    S("freeze", "2 2 2011-12-28 2011-12-31 0 active 2012-01-01T10:00:00Z"),
                    S("jump", "2 2 2011-12-29 2011-12-31 1 active 2012-01-02T10:00:00Z"),
                    S("ms", "2 2 2011-12-29 2011-12-31 1 active 2012-01-02T10:00:00Z"),
                ],
                [
                    Q("freeze", "2011-12-28", 1),
                    F("freeze", "2011-12-29", 1),
                    Q("freeze", "2011-12-31", 2),
                    Q("jump", "2011-12-29", 1),
                    Q("jump", "2011-12-31", 2),
                    Q("ms", "2011-12-29", 1),
                    Q("ms", "2011-12-31", 2),
                ],
            ),
        ),
    )
)

# --- New York → Tokyo: east across the date line --------------------------------------------
# NY EST (-5): start(03-02) = 03-02T05:00Z, start(03-03) = 03-03T05:00Z, start(03-04) =
# 03-04T05:00Z, start(03-05) = 03-05T05:00Z. Tokyo (+9): start(03-03) = 03-02T15:00Z,
# start(03-04) = 03-03T15:00Z, start(03-05) = 03-04T15:00Z.
CASES.append(
    Case(
        "flight_new_york_to_tokyo_east",
        DAILY_A,
        events(
            ev("east", "2024-03-02T01:00:00Z", NY),  # 03-01 20:00 EST
            ev("east", "2024-03-03T01:00:00Z", TYO),  # 03-03 10:00 JST: local 03-02 never seen
            ev("stay", "2024-03-02T01:00:00Z", NY),  # 03-01 20:00 EST
            ev("stay", "2024-03-03T11:00:00Z", NY),  # 03-03 06:00 EST
        ),
        (
            # T = 03-03 21:00 JST = 03-03 07:00 EST.
            # east: S1 after 03-01 in NY is 03-02, ending 03-03T05:00Z > start(03-03 Tokyo) =
            #   03-02T15:00Z → k = 0, continues: 2. Active (end(03-03 Tokyo) = 03-03T15:00Z);
            #   expires = end(03-04 Tokyo) = 03-04T15:00Z.
            # stay: 03-02 NY ended 03-03T05:00Z <= start(03-03 NY) = 03-03T05:00Z → k = 1 →
            #   breaks: 1 from 03-03; active; expires end(03-04 NY) = 03-05T05:00Z.
            check(
                "2024-03-03T12:00:00Z",
                [
                    S("east", "2 2 2024-03-01 2024-03-03 0 active 2024-03-04T15:00:00Z"),
                    S("stay", "1 1 2024-03-03 2024-03-03 0 active 2024-03-05T05:00:00Z"),
                ],
                [
                    Q("east", "2024-03-01", 1),
                    Q("east", "2024-03-03", 2),
                    Q("stay", "2024-03-01", 1),
                    Q("stay", "2024-03-03", 1),
                ],
            ),
        ),
    )
)

# --- Tokyo → Honolulu: west, the local date 01-10 twice -------------------------------------
# Tokyo (+9): end(01-10) = 01-10T15:00Z, end(01-11) = 01-11T15:00Z.
# Honolulu (-10): start(01-10) = 01-10T10:00Z, end(01-10) = 01-11T10:00Z, end(01-11) =
# 01-12T10:00Z, end(01-12) = 01-13T10:00Z.
CASES.append(
    Case(
        "flight_tokyo_to_honolulu_west",
        DAILY_A,
        events(
            ev("west", "2024-01-10T11:00:00Z", TYO),  # 01-10 20:00 JST
            ev("west", "2024-01-10T20:00:00Z", HNL),  # 01-10 10:00 HST, same local date
            ev("west", "2024-01-11T19:00:00Z", HNL),  # 01-11 09:00 HST
            ev("other_metric", "2024-01-10T11:00:00Z", TYO),  # 01-10 20:00 JST
            ev("other_metric", "2024-01-10T20:00:00Z", HNL, metric="b"),  # not a condition
            # Same instant: 01-10 20:00 JST and 01-10 01:00 HST; the larger event_id wins.
            ev("tie", "2024-01-10T11:00:00Z", TYO, event_id="t1"),
            ev("tie", "2024-01-10T11:00:00Z", HNL, event_id="t2"),
            ev("tie_rev", "2024-01-10T11:00:00Z", HNL, event_id="t1"),
            ev("tie_rev", "2024-01-10T11:00:00Z", TYO, event_id="t2"),
        ),
        (
            # T = 01-10 11:00 HST. Period 01-10's zone is Honolulu for west, other_metric (latest
            # event, any metric) and tie (t2): T < end(01-10 HNL) = 01-11T10:00Z → active,
            # expires end(01-11 HNL) = 01-12T10:00Z. (With Tokyo it would be at_risk, expiring
            # 01-11T15:00Z — which is what tie_rev gets: zone Tokyo, T >= end(01-10 JST) =
            # 01-10T15:00Z, 01-11 JST not over → at_risk, expires end(01-11 JST) = 01-11T15:00Z.)
            check(
                "2024-01-10T21:00:00Z",
                [
                    S("other_metric", "1 1 2024-01-10 2024-01-10 0 active 2024-01-12T10:00:00Z"),
                    S("tie", "1 1 2024-01-10 2024-01-10 0 active 2024-01-12T10:00:00Z"),
                    S("tie_rev", "1 1 2024-01-10 2024-01-10 0 at_risk 2024-01-11T15:00:00Z"),
                    S("west", "1 1 2024-01-10 2024-01-10 0 active 2024-01-12T10:00:00Z"),
                ],
                [
                    Q("other_metric", "2024-01-10", 1),
                    Q("tie", "2024-01-10", 1),
                    Q("tie_rev", "2024-01-10", 1),
                    Q("west", "2024-01-10", 1),
                ],
            ),
            # T = 01-11 10:00 HST. west: 01-10 (HNL), 01-11 (HNL) → 2, active, expires
            #   end(01-12 HNL) = 01-13T10:00Z.
            # other_metric, tie: end(01-10 HNL) = 01-11T10:00Z <= T, 01-11 HNL not over → at_risk,
            #   expires 01-12T10:00Z.
            # tie_rev: end(01-11 JST) = 01-11T15:00Z <= T → k_T = 1 → broken.
            check(
                "2024-01-11T20:00:00Z",
                [
                    S("other_metric", "1 1 2024-01-10 2024-01-10 0 at_risk 2024-01-12T10:00:00Z"),
                    S("tie", "1 1 2024-01-10 2024-01-10 0 at_risk 2024-01-12T10:00:00Z"),
                    S("tie_rev", "0 1 - 2024-01-10 0 broken -"),
                    S("west", "2 2 2024-01-10 2024-01-11 0 active 2024-01-13T10:00:00Z"),
                ],
                [
                    Q("other_metric", "2024-01-10", 1),
                    Q("tie", "2024-01-10", 1),
                    Q("tie_rev", "2024-01-10", 1),
                    Q("west", "2024-01-10", 1),
                    Q("west", "2024-01-11", 2),
                ],
            ),
        ),
    )
)

# --- Westward by 24 h: the literal count of missed periods --------------------------------
# Pacific/Kiritimati is +14, Honolulu -10: the same wall clock, one date apart.
# Kiritimati: end(01-06) = 01-06T10:00Z, end(01-07) = 01-07T10:00Z, end(01-08) = 01-08T10:00Z.
# Honolulu: start(01-07) = 01-07T10:00Z, end(01-07) = 01-08T10:00Z, end(01-08) = 01-09T10:00Z.
CASES.append(
    Case(
        "westward_24h_jump_freezes_the_same_key",
        {**DAILY_A, "freezes": {"initial": 2, "max": 2}},
        events(
            ev("u", "2024-01-04T22:00:00Z", "Pacific/Kiritimati"),  # 01-05 12:00 +14
            ev("u", "2024-01-07T22:00:00Z", HNL),  # 01-07 12:00 HST
        ),
        (
            # S after 01-05 in Kiritimati: 01-06 and 01-07 both end <= start(01-07 HNL) =
            # 01-07T10:00Z → k = 2 <= 2 → continues: 2, F = 0; frozen 01-06 and 01-07 (the
            # latter has the same key as the qualifying period: the missed-period rule taken
            # literally).
            # T = 01-07 13:00 HST: active; expires end(01-08 HNL) = 01-09T10:00Z.
            check(
                "2024-01-07T23:00:00Z",
                [S("u", "2 2 2024-01-05 2024-01-07 0 active 2024-01-09T10:00:00Z")],
                [
                    Q("u", "2024-01-05", 1),
                    F("u", "2024-01-06", 1),
                    F("u", "2024-01-07", 1),
                    Q("u", "2024-01-07", 2),
                ],
            ),
        ),
    )
)

# --- Freezes --------------------------------------------------------------------------------
# All UTC: start(D) = D T00:00Z, end(D) = (D+1) T00:00Z.
CASES.append(
    Case(
        "freeze_bridges_two_missed_days",
        {**DAILY_A, "freezes": {"initial": 2, "max": 2}},
        events(
            ev("u", "2024-01-01T12:00:00Z", "UTC"),
            ev("u", "2024-01-04T12:00:00Z", "UTC"),
            ev("v", "2024-01-01T12:00:00Z", "UTC"),
        ),
        (
            # T = 01-03 06:00: both only have 01-01; k_T = 1 (01-02 ended) <= 2 → at_risk,
            # freezes_left 1, 01-02 frozen so far; expires = end of the 3rd day after 01-01 =
            # end(01-04) = 01-05T00:00Z.
            check(
                "2024-01-03T06:00:00Z",
                [
                    S("u", "1 1 2024-01-01 2024-01-01 1 at_risk 2024-01-05T00:00:00Z"),
                    S("v", "1 1 2024-01-01 2024-01-01 1 at_risk 2024-01-05T00:00:00Z"),
                ],
                [
                    Q("u", "2024-01-01", 1),
                    F("u", "2024-01-02", 1),
                    Q("v", "2024-01-01", 1),
                    F("v", "2024-01-02", 1),
                ],
            ),
            # T = 01-04 12:00. u: k(01-01 → 01-04) = 2 (01-02, 01-03) <= 2 → 2, F = 0; active;
            #   expires end(01-05) = 01-06T00:00Z.
            # v: k_T = 2 <= 2 → at_risk, freezes_left 0, expires end(01-04) = 01-05T00:00Z.
            check(
                "2024-01-04T12:00:00Z",
                [
                    S("u", "2 2 2024-01-01 2024-01-04 0 active 2024-01-06T00:00:00Z"),
                    S("v", "1 1 2024-01-01 2024-01-01 0 at_risk 2024-01-05T00:00:00Z"),
                ],
                [
                    Q("u", "2024-01-01", 1),
                    F("u", "2024-01-02", 1),
                    F("u", "2024-01-03", 1),
                    Q("u", "2024-01-04", 2),
                    Q("v", "2024-01-01", 1),
                    F("v", "2024-01-02", 1),
                    F("v", "2024-01-03", 1),
                ],
            ),
            # T = 01-06 00:00. u: k_T = 1 (01-05 ended) > 0 → broken. v: k_T = 4 > 2 → broken;
            # the frozen-so-far rows go with the chain.
            check(
                "2024-01-06T00:00:00Z",
                [
                    S("u", "0 2 - 2024-01-04 0 broken -"),
                    S("v", "0 1 - 2024-01-01 0 broken -"),
                ],
                [
                    Q("u", "2024-01-01", 1),
                    F("u", "2024-01-02", 1),
                    F("u", "2024-01-03", 1),
                    Q("u", "2024-01-04", 2),
                    Q("v", "2024-01-01", 1),
                ],
            ),
        ),
    )
)

CASES.append(
    Case(
        "gap_one_longer_than_freezes_breaks",
        {**DAILY_A, "freezes": {"initial": 2, "max": 2}},
        events(
            ev("u", "2024-01-01T12:00:00Z", "UTC"),
            ev("u", "2024-01-05T12:00:00Z", "UTC"),
            ev("w", "2023-12-29T12:00:00Z", "UTC"),
            ev("w", "2023-12-30T12:00:00Z", "UTC"),
            ev("w", "2023-12-31T12:00:00Z", "UTC"),
            ev("w", "2024-01-04T12:00:00Z", "UTC"),
        ),
        (
            # T = 01-05 12:00.
            # u: k(01-01 → 01-05) = 3 > 2 → breaks: balance 0, new chain 1 from 01-05; active;
            #   expires end(01-06) = 01-07T00:00Z. No frozen rows.
            # w: 12-29..12-31 → 3; k(12-31 → 01-04) = 3 > 2 → breaks, 1 from 01-04, longest 3;
            #   T >= end(01-04), 01-05 not over → at_risk; expires end(01-05) = 01-06T00:00Z.
            check(
                "2024-01-05T12:00:00Z",
                [
                    S("u", "1 1 2024-01-05 2024-01-05 0 active 2024-01-07T00:00:00Z"),
                    S("w", "1 3 2024-01-04 2024-01-04 0 at_risk 2024-01-06T00:00:00Z"),
                ],
                [
                    Q("u", "2024-01-01", 1),
                    Q("u", "2024-01-05", 1),
                    Q("w", "2023-12-29", 1),
                    Q("w", "2023-12-30", 2),
                    Q("w", "2023-12-31", 3),
                    Q("w", "2024-01-04", 1),
                ],
            ),
        ),
    )
)

CASES.append(
    Case(
        "earning_capped_at_max",
        {**DAILY_A, "freezes": {"initial": 1, "max": 2, "earn_every": 2, "earn_amount": 2}},
        events(
            ev("u", "2024-01-01T12:00:00Z", "UTC"),
            ev("u", "2024-01-02T12:00:00Z", "UTC"),
            ev("u", "2024-01-04T12:00:00Z", "UTC"),
            ev("u", "2024-01-05T12:00:00Z", "UTC"),
        ),
        (
            # balance 1. 01-01: 1. 01-02: 2 → earn: min(2, 1 + 2) = 2. 01-04: k = 1 → balance 1,
            # length 3. 01-05: 4 → earn: min(2, 1 + 2) = 2. T = 01-05 12:00: active, F = 2;
            # expires = end of the 3rd day after 01-05 = end(01-08) = 01-09T00:00Z.
            check(
                "2024-01-05T12:00:00Z",
                [S("u", "4 4 2024-01-01 2024-01-05 2 active 2024-01-09T00:00:00Z")],
                [
                    Q("u", "2024-01-01", 1),
                    Q("u", "2024-01-02", 2),
                    F("u", "2024-01-03", 2),
                    Q("u", "2024-01-04", 3),
                    Q("u", "2024-01-05", 4),
                ],
            ),
        ),
    )
)

CASES.append(
    Case(
        "earning_every_period_stays_at_max",
        {**DAILY_A, "freezes": {"initial": 1, "max": 1, "earn_every": 1, "earn_amount": 1}},
        events(
            ev("u", "2024-01-01T12:00:00Z", "UTC"),
            ev("u", "2024-01-02T12:00:00Z", "UTC"),
            ev("u", "2024-01-03T12:00:00Z", "UTC"),
            ev("u", "2024-01-05T12:00:00Z", "UTC"),
            ev("broken_then_earn", "2024-01-01T12:00:00Z", "UTC"),
            ev("broken_then_earn", "2024-01-04T12:00:00Z", "UTC"),
        ),
        (
            # u: balance stays 1 through 01-01..01-03 (each earns, capped at 1); 01-05: k = 1 →
            #   balance 0, length 4 → earns → 1. Active; F = 1 → expires end(01-07) = 01-08T00:00Z.
            # broken_then_earn: 01-01: 1 (balance 1). 01-04: k = 2 > 1 → breaks: balance 0,
            #   length 1 → earns → 1. T >= end(01-04), 01-05 not over → at_risk, F = 1, expires
            #   = end of the 2nd day after 01-04 = end(01-06) = 01-07T00:00Z.
            check(
                "2024-01-05T12:00:00Z",
                [
                    S(
                        "broken_then_earn",
                        "1 1 2024-01-04 2024-01-04 1 at_risk 2024-01-07T00:00:00Z",
                    ),
                    S("u", "4 4 2024-01-01 2024-01-05 1 active 2024-01-08T00:00:00Z"),
                ],
                [
                    Q("broken_then_earn", "2024-01-01", 1),
                    Q("broken_then_earn", "2024-01-04", 1),
                    Q("u", "2024-01-01", 1),
                    Q("u", "2024-01-02", 2),
                    Q("u", "2024-01-03", 3),
                    F("u", "2024-01-04", 3),
                    Q("u", "2024-01-05", 4),
                ],
            ),
        ),
    )
)

# --- expires_at across DST ------------------------------------------------------------------
# New York: end(03-09) = 03-10T05:00Z, end(03-10) = 03-11T04:00Z (23 h day).
CASES.append(
    Case(
        "expires_at_across_dst_new_york",
        DAILY_A,
        events(ev("u", "2024-03-09T17:00:00Z", NY)),  # 03-09 12:00 EST
        (
            # Last period 03-09, F = 0: expires = end(03-10) = 03-11 00:00 EDT = 03-11T04:00Z.
            check(
                "2024-03-09T18:00:00Z",  # 03-09 13:00 EST: inside 03-09
                [S("u", "1 1 2024-03-09 2024-03-09 0 active 2024-03-11T04:00:00Z")],
                [Q("u", "2024-03-09", 1)],
            ),
            check(
                "2024-03-10T12:00:00Z",  # 03-10 08:00 EDT
                [S("u", "1 1 2024-03-09 2024-03-09 0 at_risk 2024-03-11T04:00:00Z")],
                [Q("u", "2024-03-09", 1)],
            ),
            check(
                "2024-03-11T03:59:59.999Z",  # 03-10 23:59:59.999 EDT
                [S("u", "1 1 2024-03-09 2024-03-09 0 at_risk 2024-03-11T04:00:00Z")],
                [Q("u", "2024-03-09", 1)],
            ),
            check(
                "2024-03-11T04:00:00Z",  # the expiry instant: k_T = 1 > 0
                [S("u", "0 1 - 2024-03-09 0 broken -")],
                [Q("u", "2024-03-09", 1)],
            ),
        ),
    )
)

# London: end(03-29) = 03-30T00:00Z, end(03-30) = 03-31T00:00Z, end(03-31) = 03-31T23:00Z,
# end(04-01) = 04-01T23:00Z.
CASES.append(
    Case(
        "expires_at_with_freezes_across_dst_london",
        {**DAILY_A, "freezes": {"initial": 2, "max": 2}},
        events(ev("u", "2024-03-29T12:00:00Z", LON)),  # 03-29 12:00 GMT
        (
            # F = 2: expires = end of the 3rd day after 03-29 = end(04-01) = 04-01T23:00Z.
            check(
                "2024-03-29T12:00:00Z",
                [S("u", "1 1 2024-03-29 2024-03-29 2 active 2024-04-01T23:00:00Z")],
                [Q("u", "2024-03-29", 1)],
            ),
            # T = 04-01 00:00 BST: 03-30 and 03-31 ended → k_T = 2 <= 2 → at_risk, 0 left.
            check(
                "2024-03-31T23:00:00Z",
                [S("u", "1 1 2024-03-29 2024-03-29 0 at_risk 2024-04-01T23:00:00Z")],
                [Q("u", "2024-03-29", 1), F("u", "2024-03-30", 1), F("u", "2024-03-31", 1)],
            ),
            check(
                "2024-04-01T23:00:00Z",  # k_T = 3 > 2
                [S("u", "0 1 - 2024-03-29 0 broken -")],
                [Q("u", "2024-03-29", 1)],
            ),
        ),
    )
)

# --- Weekly: ISO weeks across a year boundary -----------------------------------------------
# New York, EST all along. Week keys (Mondays): 2024-12-23, 2024-12-30 (= ISO 2025-W01),
# 2025-01-06, 2025-01-13. end(week 01-06) = 01-13T05:00Z, end(week 01-13) = 01-20T05:00Z.
CASES.append(
    Case(
        "weekly_iso_week_across_year_boundary",
        {"frequency": "weekly", "conditions": [{"metric": "a", "threshold": 2}]},
        events(
            ev("u", "2024-12-25T17:00:00Z", NY, "2"),  # Wed 12-25 12:00 → week 12-23: 2
            ev("u", "2024-12-31T17:00:00Z", NY, "1"),  # Tue 12-31 → week 12-30
            ev("u", "2025-01-01T17:00:00Z", NY, "1"),  # Wed 01-01 → week 12-30: 1 + 1 = 2
            ev("u", "2025-01-06T04:59:59.999Z", NY, "0.5"),  # Sun 01-05 23:59:59.999 → 12-30
            ev("u", "2025-01-06T05:00:00Z", NY, "2"),  # Mon 01-06 00:00 → week 01-06: 2
            ev("short", "2024-12-31T17:00:00Z", NY, "1"),  # week 12-30: 1 < 2
            ev("short", "2025-01-06T05:00:00Z", NY, "2"),  # week 01-06: 2
        ),
        (
            # u: 12-23, 12-30, 01-06 → 3. short: only 01-06 → 1.
            # T = Wed 01-08: both active (end(01-06 week) = 01-13T05:00Z); expires =
            # end(week 01-13) = 01-20T05:00Z.
            check(
                "2025-01-08T12:00:00Z",
                [
                    S("short", "1 1 2025-01-06 2025-01-06 0 active 2025-01-20T05:00:00Z"),
                    S("u", "3 3 2024-12-23 2025-01-06 0 active 2025-01-20T05:00:00Z"),
                ],
                [
                    Q("short", "2025-01-06", 1),
                    Q("u", "2024-12-23", 1),
                    Q("u", "2024-12-30", 2),
                    Q("u", "2025-01-06", 3),
                ],
            ),
            check(
                "2025-01-20T04:59:59.999Z",  # Sun 01-19 23:59:59.999 EST
                [
                    S("short", "1 1 2025-01-06 2025-01-06 0 at_risk 2025-01-20T05:00:00Z"),
                    S("u", "3 3 2024-12-23 2025-01-06 0 at_risk 2025-01-20T05:00:00Z"),
                ],
                [
                    Q("short", "2025-01-06", 1),
                    Q("u", "2024-12-23", 1),
                    Q("u", "2024-12-30", 2),
                    Q("u", "2025-01-06", 3),
                ],
            ),
            check(
                "2025-01-20T05:00:00Z",
                [
                    S("short", "0 1 - 2025-01-06 0 broken -"),
                    S("u", "0 3 - 2025-01-06 0 broken -"),
                ],
                [
                    Q("short", "2025-01-06", 1),
                    Q("u", "2024-12-23", 1),
                    Q("u", "2024-12-30", 2),
                    Q("u", "2025-01-06", 3),
                ],
            ),
        ),
    )
)

# --- Monthly, with a freeze and DST ---------------------------------------------------------
# New York: start(03) = 03-01T05:00Z, end(03) = 04-01T04:00Z, end(04) = 05-01T04:00Z,
# end(05) = 06-01T04:00Z.
CASES.append(
    Case(
        "monthly_freeze_and_dst",
        {
            "frequency": "monthly",
            "conditions": [{"metric": "a"}],
            "freezes": {"initial": 1, "max": 1},
        },
        events(
            ev("u", "2024-02-01T04:30:00Z", NY),  # 01-31 23:30 EST → January
            ev("u", "2024-02-15T17:00:00Z", NY),  # February
            ev("u", "2024-04-01T04:00:00Z", NY),  # 04-01 00:00 EDT → April (March missed)
            ev("v", "2024-04-01T03:59:59.999Z", NY),  # 03-31 23:59:59.999 EDT → March
        ),
        (
            # u: Jan 1, Feb 2; k(Feb → Apr) = 1 (March ended 04-01T04:00Z <= start(Apr)) <= 1
            #   → 3, F = 0, March frozen. T = 04-15: active; expires end(May) = 06-01T04:00Z.
            # v: March 1; T >= end(March), April not over → at_risk, F = 1; expires = end of
            #   the 2nd month after March = end(May) = 06-01T04:00Z.
            check(
                "2024-04-15T12:00:00Z",
                [
                    S("u", "3 3 2024-01-01 2024-04-01 0 active 2024-06-01T04:00:00Z"),
                    S("v", "1 1 2024-03-01 2024-03-01 1 at_risk 2024-06-01T04:00:00Z"),
                ],
                [
                    Q("u", "2024-01-01", 1),
                    Q("u", "2024-02-01", 2),
                    F("u", "2024-03-01", 2),
                    Q("u", "2024-04-01", 3),
                    Q("v", "2024-03-01", 1),
                ],
            ),
        ),
    )
)

# --- Conditions: all vs any, thresholds, negative and fractional values ---------------------
_MIXED = events(
    ev("u", "2024-01-01T12:00:00.001Z", "UTC", "1.5"),  # 01-01: a = 2, b = 1
    ev("u", "2024-01-01T12:00:00.002Z", "UTC", "0.5"),
    ev("u", "2024-01-01T12:00:00.003Z", "UTC", "1", "b"),
    ev("u", "2024-01-02T12:00:00Z", "UTC", "3"),  # 01-02: a = 3, b = 2 - 1.5 = 0.5
    ev("u", "2024-01-02T12:00:01Z", "UTC", "2", "b"),
    ev("u", "2024-01-02T12:00:02Z", "UTC", "-1.5", "b"),
    ev("u", "2024-01-03T12:00:00Z", "UTC", "5"),  # 01-03: a = 5 - 3.5 = 1.5, b = 0 (none)
    ev("u", "2024-01-03T12:00:01Z", "UTC", "-3.5"),
    ev("u", "2024-01-04T12:00:00Z", "UTC", "2.000001"),  # 01-04: a = 1.999999, b = 1
    ev("u", "2024-01-04T12:00:01Z", "UTC", "-0.000002"),
    ev("u", "2024-01-04T12:00:02Z", "UTC", "1", "b"),
    ev("u", "2024-01-05T12:00:00Z", "UTC", "2"),  # 01-05: a = 2, b = 1
    ev("u", "2024-01-05T12:00:01Z", "UTC", "1", "b"),
    ev("neg", "2024-01-01T12:00:00Z", "UTC", "-5"),  # a = -5, b = -1: never qualifies
    ev("neg", "2024-01-01T12:00:01Z", "UTC", "-1", "b"),
)
_AB = [{"metric": "a", "threshold": 2}, {"metric": "b", "threshold": 1}]

CASES.append(
    Case(
        "mode_all_thresholds_negative_values",
        {"frequency": "daily", "conditions": _AB, "mode": "all"},
        _MIXED,
        (
            # a >= 2 and b >= 1: 01-01 yes, 01-02 no (b 0.5), 01-03 no, 01-04 no (a 1.999999),
            # 01-05 yes. k(01-01 → 01-05) = 3 → breaks: 1 from 01-05, longest 1. Active,
            # expires end(01-06) = 01-07T00:00Z. neg: none.
            check(
                "2024-01-05T12:00:01Z",
                [
                    S("neg", "0 0 - - 0 none -"),
                    S("u", "1 1 2024-01-05 2024-01-05 0 active 2024-01-07T00:00:00Z"),
                ],
                [Q("u", "2024-01-01", 1), Q("u", "2024-01-05", 1)],
            ),
        ),
    )
)

CASES.append(
    Case(
        "mode_any_thresholds_negative_values",
        {"frequency": "daily", "conditions": _AB, "mode": "any"},
        _MIXED,
        (
            # a >= 2 or b >= 1: 01-01 yes, 01-02 yes (a 3), 01-03 no (a 1.5, b 0), 01-04 yes
            # (b 1), 01-05 yes. Chain 01-01, 01-02 → 2; k(01-02 → 01-04) = 1 → breaks; 01-04 1,
            # 01-05 2. longest 2. Active, expires 01-07T00:00Z.
            check(
                "2024-01-05T12:00:01Z",
                [
                    S("neg", "0 0 - - 0 none -"),
                    S("u", "2 2 2024-01-04 2024-01-05 0 active 2024-01-07T00:00:00Z"),
                ],
                [
                    Q("u", "2024-01-01", 1),
                    Q("u", "2024-01-02", 2),
                    Q("u", "2024-01-04", 1),
                    Q("u", "2024-01-05", 2),
                ],
            ),
        ),
    )
)

CASES.append(
    Case(
        "threshold_is_an_exact_decimal",
        {"frequency": "daily", "conditions": [{"metric": "a", "threshold": 0.1}]},
        events(
            ev("u", "2024-01-01T12:00:00Z", "UTC", "0.05"),  # 0.05 + 0.05 = 0.1 >= 0.1
            ev("u", "2024-01-01T12:00:01Z", "UTC", "0.05"),
            ev("u", "2024-01-02T12:00:00Z", "UTC", "0.099999"),  # < 0.1
            ev("u", "2024-01-03T12:00:00Z", "UTC", "0.1"),  # = 0.1
        ),
        (
            # 01-01 and 01-03 qualify (the threshold is the decimal 0.1, not the binary double
            # 0.1000000000000000055…), 01-02 does not → k = 1 → breaks. Active, expires
            # end(01-04) = 01-05T00:00Z.
            check(
                "2024-01-03T12:00:00Z",
                [S("u", "1 1 2024-01-03 2024-01-03 0 active 2024-01-05T00:00:00Z")],
                [Q("u", "2024-01-01", 1), Q("u", "2024-01-03", 1)],
            ),
        ),
    )
)

CASES.append(
    Case(
        "threshold_zero_needs_an_event_in_the_period",
        {"frequency": "daily", "conditions": [{"metric": "a", "threshold": 0}]},
        events(
            ev("u", "2024-01-01T12:00:00Z", "UTC", "1", "b"),  # a = 0 >= 0
            ev("u", "2024-01-02T12:00:00Z", "UTC", "1", "b"),  # a = 0 >= 0
            ev("u", "2024-01-04T12:00:00Z", "UTC", "-1"),  # a = -1 < 0
        ),
        (
            # A period is a user's period when it has any event of the user (any metric);
            # the empty sum is 0. 01-01, 01-02 qualify (2); 01-03 has no event; 01-04 has a < 0.
            # T = 01-04 12:00: after 01-02, 01-03 has ended and 01-04 has not → k_T = 1 > 0
            # → broken.
            check(
                "2024-01-04T12:00:00Z",
                [S("u", "0 2 - 2024-01-02 0 broken -")],
                [Q("u", "2024-01-01", 1), Q("u", "2024-01-02", 2)],
            ),
            # T = 01-02 23:00: active, expires end(01-03) = 01-04T00:00Z.
            check(
                "2024-01-02T23:00:00Z",
                [S("u", "2 2 2024-01-01 2024-01-02 0 active 2024-01-04T00:00:00Z")],
                [Q("u", "2024-01-01", 1), Q("u", "2024-01-02", 2)],
            ),
        ),
    )
)

# --- As of T: active → at_risk → broken, and none -------------------------------------------
# Asia/Kathmandu, +05:45 all year: start(01-10) = 01-09T18:15Z, end(01-10) = 01-10T18:15Z,
# end(01-11) = 01-11T18:15Z.
_KTM = events(
    ev("u", "2024-01-10T03:15:00Z", KTM),  # 01-10 09:00
    ev("idle", "2024-01-10T00:00:00Z", KTM, metric="b"),  # 01-10 05:45, not a condition metric
    ev("future", "2024-01-12T00:00:00Z", KTM),  # after every T below: never a row
)
_IDLE = S("idle", "0 0 - - 0 none -")
CASES.append(
    Case(
        "as_of_active_at_risk_broken_kathmandu",
        {**DAILY_A, "freezes": {"initial": 0, "max": 0}},
        _KTM,
        (
            check("2024-01-10T03:14:59.999Z", [_IDLE], []),  # u's event is 1 ms later
            check(
                "2024-01-10T03:15:00Z",  # ts == T counts
                [_IDLE, S("u", "1 1 2024-01-10 2024-01-10 0 active 2024-01-11T18:15:00Z")],
                [Q("u", "2024-01-10", 1)],
            ),
            check(
                "2024-01-10T18:14:59.999Z",
                [_IDLE, S("u", "1 1 2024-01-10 2024-01-10 0 active 2024-01-11T18:15:00Z")],
                [Q("u", "2024-01-10", 1)],
            ),
            check(
                "2024-01-10T18:15:00Z",  # = end(01-10)
                [_IDLE, S("u", "1 1 2024-01-10 2024-01-10 0 at_risk 2024-01-11T18:15:00Z")],
                [Q("u", "2024-01-10", 1)],
            ),
            check(
                "2024-01-11T18:14:59.999Z",
                [_IDLE, S("u", "1 1 2024-01-10 2024-01-10 0 at_risk 2024-01-11T18:15:00Z")],
                [Q("u", "2024-01-10", 1)],
            ),
            check(
                "2024-01-11T18:15:00Z",  # = end(01-11): k_T = 1
                [_IDLE, S("u", "0 1 - 2024-01-10 0 broken -")],
                [Q("u", "2024-01-10", 1)],
            ),
        ),
    )
)

CASES.append(
    Case(
        "status_none_keeps_initial_freezes",
        {**DAILY_A, "freezes": {"initial": 2, "max": 3}},
        events(
            ev("b_only", "2024-01-01T12:00:00Z", "UTC", "5", "b"),
            ev("below", "2024-01-01T12:00:00Z", "UTC", "0.5"),
            ev("below", "2024-01-02T12:00:00Z", "UTC", "0.999999"),
            ev("later", "2024-01-03T00:00:00Z", "UTC"),  # after T: no row
        ),
        (
            # Neither ever qualifies: none, freezes_left = min(initial, max) = 2.
            check(
                "2024-01-02T23:59:59.999Z",
                [
                    S("b_only", "0 0 - - 2 none -"),
                    S("below", "0 0 - - 2 none -"),
                ],
                [],
            ),
        ),
    )
)

# --- America/Santiago: DST changes at local midnight ----------------------------------------
# -03 until 2024-04-07 03:00Z, then -04 (04-06 24:00 → 23:00: 04-06 has 25 h); -04 until
# 2024-09-08 04:00Z, then -03 (09-08 00:00 → 01:00: 09-08 starts at 01:00 local, 23 h).
# start(04-05) = 04-05T03:00Z, start(04-06) = 04-06T03:00Z, start(04-07) = 04-07T04:00Z,
# start(04-08) = 04-08T04:00Z, start(04-09) = 04-09T04:00Z.
# start(09-07) = 09-07T04:00Z, start(09-08) = 09-08T04:00Z (01:00 -03), start(09-09) =
# 09-09T03:00Z, start(09-10) = 09-10T03:00Z.
CASES.append(
    Case(
        "santiago_dst_at_local_midnight",
        DAILY_A,
        events(
            ev("apr", "2024-04-06T02:59:59.999Z", SCL),  # 04-05 23:59:59.999 -03
            ev("apr", "2024-04-07T03:30:00Z", SCL),  # 04-06 23:30 -04 (the repeated hour)
            ev("apr", "2024-04-07T04:00:00Z", SCL),  # 04-07 00:00 -04
            ev("sep", "2024-09-08T03:59:59.999Z", SCL),  # 09-07 23:59:59.999 -04
            ev("sep", "2024-09-08T04:00:00Z", SCL),  # 09-08 01:00 -03 (00:00 never happens)
        ),
        (
            # apr: 04-05, 04-06, 04-07 → 3; active (end(04-07) = 04-08T04:00Z); expires
            # end(04-08) = 04-09T04:00Z.
            check(
                "2024-04-07T04:00:00Z",
                [S("apr", "3 3 2024-04-05 2024-04-07 0 active 2024-04-09T04:00:00Z")],
                [Q("apr", "2024-04-05", 1), Q("apr", "2024-04-06", 2), Q("apr", "2024-04-07", 3)],
            ),
            # sep: 09-07, 09-08 → 2; active (end(09-08) = 09-09T03:00Z); expires end(09-09) =
            # 09-10T03:00Z. apr long broken.
            check(
                "2024-09-08T12:00:00Z",
                [
                    S("apr", "0 3 - 2024-04-07 0 broken -"),
                    S("sep", "2 2 2024-09-07 2024-09-08 0 active 2024-09-10T03:00:00Z"),
                ],
                [
                    Q("apr", "2024-04-05", 1),
                    Q("apr", "2024-04-06", 2),
                    Q("apr", "2024-04-07", 3),
                    Q("sep", "2024-09-07", 1),
                    Q("sep", "2024-09-08", 2),
                ],
            ),
        ),
    )
)

CASE_NAMES = [c.name for c in CASES]
assert len(set(CASE_NAMES)) == len(CASE_NAMES)


# --- Moving events and results between the reference and an engine --------------------------

#: `now_ms` for ingest: far enough ahead that every test event is accepted.
NOW_MS = to_ms(datetime(2049, 1, 1, tzinfo=UTC))


def write_events(path: Path, evs: Iterable[Event]) -> Path:
    """A Parquet file ingest accepts: value as exact decimal text, ts as epoch ms."""
    evs = list(evs)
    pl.DataFrame(
        {
            "event_id": [e.event_id for e in evs],
            "user_id": [e.user_id for e in evs],
            "metric": [e.metric for e in evs],
            "value": [format(e.value, "f") for e in evs],
            "ts": [to_ms(e.ts) for e in evs],
            "tz": [e.tz for e in evs],
        },
        schema={
            "event_id": pl.String,
            "user_id": pl.String,
            "metric": pl.String,
            "value": pl.String,
            "ts": pl.Int64,
            "tz": pl.String,
        },
    ).write_parquet(path)
    return path


def states_of(frame: pl.DataFrame) -> list[StreakState]:
    """An engine's `streaks.compute` frame as reference rows (in the frame's order)."""
    cols = [
        "user_id",
        "streak",
        "length",
        "longest",
        "started",
        "last_period",
        "freezes_left",
        "status",
        "expires_at",
    ]
    out = []
    for r in frame.select(cols).iter_rows(named=True):
        exp = r["expires_at"]
        out.append(StreakState(**{**r, "expires_at": None if exp is None else exp.astimezone(UTC)}))
    return out


def history_of(frame: pl.DataFrame) -> list[HistoryRow]:
    """An engine's `streaks.history` frame as reference rows (in the frame's order)."""
    cols = ["user_id", "streak", "period", "qualified", "used_freeze", "length"]
    return [HistoryRow(**r) for r in frame.select(cols).iter_rows(named=True)]


def history_order(rows: Iterable[HistoryRow]) -> list[HistoryRow]:
    """(user, period), then a frozen row before a qualifying row of the same key — the one
    tie (user, period) alone leaves open (see the westward case)."""
    return sorted(rows, key=lambda h: (h.user_id, h.period, h.qualified))
