"""Hand-worked leaderboard cases (docs/leaderboards.md): config, events, users, and reads
with their expected standings, worked out by hand in the comments, not by running any
implementation. Times are UTC unless a comment gives the local time. The reference is checked
against them (tests/test_leaderboards_reference.py), and both engines too
(tests/test_leaderboards_property.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from gamify_analytics import config
from tests.reference.achievements import AEvent
from tests.reference.leaderboards import Entry
from tests.reference.streak_cases import U

AS_OF = U("2030-01-01T00:00:00Z")
D1 = date(2024, 3, 1)


def E(eid: str, user: str, ts: str, value: str = "1", metric: str = "a", zone: str = "UTC"):
    return AEvent(user, metric, eid, Decimal(value), U(ts), zone)


def board(key: str = "lb", rank_by: str = "metric:a", period: str = "daily", **extra) -> dict:
    return {"key": key, "rank_by": rank_by, "period": period, **extra}


def raw(boards=(), streaks=(), points=(), achievements=()) -> dict[str, Any]:
    out: dict[str, Any] = {"metrics": [{"key": "a"}, {"key": "b"}]}
    out |= {"streaks": list(streaks), "achievements": list(achievements), "points": list(points)}
    out["leaderboards"] = list(boards)
    return out


def N(rank: int, user: str, score: str, prev_rank: int | None = None, prev: str | None = None):
    return Entry(rank, user, Decimal(score), prev_rank, None if prev is None else Decimal(prev))


@dataclass(frozen=True)
class Read:
    """`standings(key="lb", run, group, as_of)` must be `want`."""

    want: list[Entry]
    run: date | None = D1
    group: str = ""
    as_of: datetime = AS_OF


@dataclass(frozen=True)
class Case:
    raw: dict[str, Any]
    events: tuple[AEvent, ...]
    reads: tuple[Read, ...]
    users: dict[str, dict[str, str]] = field(default_factory=dict)

    @property
    def config(self) -> config.Config:
        return config.parse(self.raw)


CASES: dict[str, Case] = {}


def case(name: str, raw_: dict, events, *reads: Read, users=None) -> Case:
    CASES[name] = Case(raw_, tuple(events), reads, users or {})
    return CASES[name]


# --- order --------------------------------------------------------------------------------

case(
    "ties",
    raw([board()]),
    [
        # u3: 2 + 1 = 3, last change 05:00.
        E("e1", "u3", "2024-03-01T01:00:00Z", "2"),
        E("e2", "u3", "2024-03-01T05:00:00Z", "1"),
        # u1 and u2: 3 each, both last changed at 02:00: u1 < u2.
        E("e3", "u2", "2024-03-01T02:00:00Z", "3"),
        E("e4", "u1", "2024-03-01T02:00:00Z", "3"),
        # u4: 1 (a metric b event and an event of 03-02 do not count here).
        E("e5", "u4", "2024-03-01T00:00:00Z", "1"),
        E("e6", "u4", "2024-03-01T00:00:00Z", "50", metric="b"),
        E("e7", "u4", "2024-03-02T00:00:00Z", "50"),
    ],
    Read([N(1, "u1", "3"), N(2, "u2", "3"), N(3, "u3", "3"), N(4, "u4", "1")]),
    # Run 03-02: only u4 (50); previous: rank 4, score 1 on 03-01.
    Read([N(1, "u4", "50", 4, "1")], run=date(2024, 3, 2)),
)

case(
    "zero_value",
    raw([board()]),
    [
        # u1: 2 at 01:00, then a 0 at 09:00: the last change stays 01:00.
        E("e1", "u1", "2024-03-01T01:00:00Z", "2"),
        E("e2", "u1", "2024-03-01T09:00:00Z", "0"),
        # u2: 2 at 03:00.
        E("e3", "u2", "2024-03-01T03:00:00Z", "2"),
        # u5: 3 - 1 = 2, the -1 (non-zero) at 10:00 is its last change.
        E("e4", "u5", "2024-03-01T00:00:00Z", "3"),
        E("e5", "u5", "2024-03-01T10:00:00Z", "-1"),
        # u3: +1 - 1 = 0: not a participant; u4: only a 0: not a participant.
        E("e6", "u3", "2024-03-01T01:00:00Z", "1"),
        E("e7", "u3", "2024-03-01T02:00:00Z", "-1"),
        E("e8", "u4", "2024-03-01T00:00:00Z", "0"),
    ],
    # All score 2: by last change u1 (01:00), u2 (03:00), u5 (10:00).
    Read([N(1, "u1", "2"), N(2, "u2", "2"), N(3, "u5", "2")]),
)

case(
    "negative",
    raw([board()]),
    [
        E("e1", "u1", "2024-03-01T05:00:00Z", "-1"),
        E("e2", "u2", "2024-03-01T05:00:00Z", "-0.5"),
        E("e3", "u3", "2024-03-01T23:00:00Z", "0.000001"),
        # u4: -1 too, but changed earlier than u1.
        E("e4", "u4", "2024-03-01T04:00:00Z", "-1"),
    ],
    # 0.000001 > -0.5 > -1 (u4 at 04:00 before u1 at 05:00).
    Read([N(1, "u3", "0.000001"), N(2, "u2", "-0.5"), N(3, "u4", "-1"), N(4, "u1", "-1")]),
)

case(
    "as_of",
    raw([board()]),
    [
        E("e1", "u1", "2024-03-01T01:00:00Z", "1"),
        E("e2", "u2", "2024-03-01T02:00:00Z", "2"),
        E("e3", "u1", "2024-03-01T03:00:00Z", "5"),
    ],
    # At 02:00 exactly: e1 and e2 count (ts <= as_of), e3 does not: u2 2, u1 1.
    Read([N(1, "u2", "2"), N(2, "u1", "1")], as_of=U("2024-03-01T02:00:00Z")),
    # One millisecond before e2: u1 alone.
    Read([N(1, "u1", "1")], as_of=U("2024-03-01T01:59:59.999Z")),
    # Later: u1 6, u2 2.
    Read([N(1, "u1", "6"), N(2, "u2", "2")]),
)

# --- groups and the cut ----------------------------------------------------------------------

USERS = {
    "u1": {"country": "US", "plan": "pro"},
    "u2": {"country": "US"},
    "u3": {"country": "US", "plan": "free"},
    "u4": {"country": "NZ", "plan": "free"},
    "u5": {"plan": "free"},
    # u6 is not in the users table at all
}

case(
    "cut_per_group",
    raw([board(max_participants=2, breakdown=["country"])]),
    [
        E(f"e{i}", u, "2024-03-01T12:00:00Z", v)
        for i, (u, v) in enumerate(
            {"u1": "5", "u2": "4", "u3": "3", "u4": "2", "u5": "1", "u6": "6"}.items()
        )
    ],
    # Everyone: u6 6, u1 5 (then cut: u2, u3, u4, u5).
    Read([N(1, "u6", "6"), N(2, "u1", "5")]),
    # US: u1 5, u2 4 (u3 cut).
    Read([N(1, "u1", "5"), N(2, "u2", "4")], group="US"),
    Read([N(1, "u4", "2")], group="NZ"),
    # (none): u6 (no users row) 6, u5 (no country) 1.
    Read([N(1, "u6", "6"), N(2, "u5", "1")], group="(none)"),
    Read([], group="XX"),
    users=USERS,
)

case(
    "two_attributes",
    raw([board(breakdown=["country", "plan"])]),
    [
        # 03-01: u3 2, u2 1 in everyone; groups US/free: u3; US/(none): u2.
        E("e1", "u3", "2024-03-01T01:00:00Z", "2"),
        E("e2", "u2", "2024-03-01T01:00:00Z", "1"),
        # 03-02: u2 7, u3 1.
        E("e3", "u2", "2024-03-02T01:00:00Z", "7"),
        E("e4", "u3", "2024-03-02T01:00:00Z", "1"),
    ],
    Read([N(1, "u2", "7", 2, "1"), N(2, "u3", "1", 1, "2")], run=date(2024, 3, 2)),
    # Within its own group each was first on 03-01 too.
    Read([N(1, "u3", "1", 1, "2")], run=date(2024, 3, 2), group="US/free"),
    Read([N(1, "u2", "7", 1, "1")], run=date(2024, 3, 2), group="US/(none)"),
    users=USERS,
)

# --- runs: local periods -----------------------------------------------------------------------

W1, W2 = date(2024, 2, 26), date(2024, 3, 4)  # Mondays
TRAVEL = [
    # u1 in Tokyo (UTC+9): 03-03T10:00Z is Sun 03-03 19:00 local -> week of 02-26.
    E("e1", "u1", "2024-03-03T10:00:00Z", "1", zone="Asia/Tokyo"),
    # 03-03T16:00Z is Mon 03-04 01:00 in Tokyo (UTC: still Sunday) -> week of 03-04.
    E("e2", "u1", "2024-03-03T16:00:00Z", "2", zone="Asia/Tokyo"),
    # u1 flies to New York (EST, UTC-5): 03-04T04:59:59.999Z is Sun 03-03 23:59:59.999
    # local (UTC: already Monday) -> week of 02-26.
    E("e3", "u1", "2024-03-04T04:59:59.999Z", "1", zone="America/New_York"),
    # u2 in New York: 03-04T03:00Z is Sun 03-03 22:00 -> week of 02-26.
    E("e4", "u2", "2024-03-04T03:00:00Z", "5", zone="America/New_York"),
    # 03-04T06:00Z is Mon 03-04 01:00 -> week of 03-04.
    E("e5", "u2", "2024-03-04T06:00:00Z", "1", zone="America/New_York"),
]

case(
    "weekly",
    raw([board(period="weekly")]),
    TRAVEL,
    # Week 02-26: u2 5, u1 1 + 1 = 2.
    Read([N(1, "u2", "5"), N(2, "u1", "2")], run=W1),
    # Week 03-04: u1 2, u2 1; previous: u1 was 2nd with 2, u2 1st with 5.
    Read([N(1, "u1", "2", 2, "2"), N(2, "u2", "1", 1, "5")], run=W2),
)

case(
    "daily_travel",
    raw([board()]),
    TRAVEL,
    # The same events on a daily board: u1's e2 is Tokyo's 03-04, e3 New York's 03-03.
    # 03-03: u2 5 (e4), u1 1 + 1 = 2 (e1, e3).
    Read([N(1, "u2", "5"), N(2, "u1", "2")], run=date(2024, 3, 3)),
    # 03-04: u1 2 (e2), u2 1 (e5); previous: 03-03.
    Read([N(1, "u1", "2", 2, "2"), N(2, "u2", "1", 1, "5")], run=date(2024, 3, 4)),
)

case(
    "monthly",
    raw([board(period="monthly")]),
    [
        # u1 in Tokyo: 02-29T15:30Z is 03-01 00:30 local -> March; 14:30Z is 02-29 23:30 -> Feb.
        E("e1", "u1", "2024-02-29T15:30:00Z", "3", zone="Asia/Tokyo"),
        E("e2", "u1", "2024-02-29T14:30:00Z", "1", zone="Asia/Tokyo"),
        # u2 in New York (EST): 03-01T04:00Z is 02-29 23:00 -> Feb; 05:00Z is 03-01 00:00 -> Mar.
        E("e3", "u2", "2024-03-01T04:00:00Z", "2", zone="America/New_York"),
        E("e4", "u2", "2024-03-01T05:00:00Z", "4", zone="America/New_York"),
    ],
    Read([N(1, "u2", "2"), N(2, "u1", "1")], run=date(2024, 2, 1)),
    Read([N(1, "u2", "4", 1, "2"), N(2, "u1", "3", 2, "1")], run=date(2024, 3, 1)),
    # January has nothing.
    Read([], run=date(2024, 1, 1)),
)

case(
    "perpetual",
    raw([board(period="perpetual")]),
    [
        E("e1", "u1", "2023-01-01T00:00:00Z", "1"),
        E("e2", "u1", "2024-06-01T00:00:00Z", "1"),
        E("e3", "u2", "2024-03-01T00:00:00Z", "1.5"),
    ],
    # Every date in one run; no previous.
    Read([N(1, "u1", "2"), N(2, "u2", "1.5")], run=None),
)

# --- points boards ---------------------------------------------------------------------------

XP_CAPPED = {"key": "xp", "max_points": 3, "triggers": [{"metric": "a", "points": 1}]}
CLAMPED = [
    # u1: +2 (total 2), then 2 requested but 1 awarded (cap 3), then 1 requested and 0
    # awarded at 05:00: score 3, last change 02:00 (the 0 row does not move it).
    E("e1", "u1", "2024-03-01T01:00:00Z", "2"),
    E("e2", "u1", "2024-03-01T02:00:00Z", "2"),
    E("e3", "u1", "2024-03-01T05:00:00Z", "1"),
    # u2: +3 at 03:00: score 3, last change 03:00 -> after u1.
    E("e4", "u2", "2024-03-01T03:00:00Z", "3"),
    # u3 in Tokyo: 03-01T16:00Z is 03-02 01:00 local -> the award (3, cut from 5) belongs
    # to the run of 03-02, though its UTC date is 03-01.
    E("e5", "u3", "2024-03-01T16:00:00Z", "5", zone="Asia/Tokyo"),
    # metric b earns nothing
    E("e6", "u4", "2024-03-01T03:00:00Z", "5", metric="b"),
]

case(
    "points_clamped",
    raw([board(rank_by="points:xp")], points=[XP_CAPPED]),
    CLAMPED,
    Read([N(1, "u1", "3"), N(2, "u2", "3")]),
    Read([N(1, "u3", "3")], run=date(2024, 3, 2)),
)

case(
    "points_clamped_metric",
    raw([board(rank_by="metric:a")], points=[XP_CAPPED]),
    CLAMPED,
    # The metric board of the same events: u1 5, u2 3.
    Read([N(1, "u1", "5"), N(2, "u2", "3")]),
)

case(
    "points_deductions",
    raw(
        [board(rank_by="points:xp")],
        points=[
            {
                "key": "xp",
                "triggers": [{"metric": "a", "points": 2}, {"achievement": "two_b", "points": 10}],
            }
        ],
        achievements=[{"key": "two_b", "kind": "metric", "metric": "b", "threshold": 2}],
    ),
    [
        # u1: a +1 -> +2 points; a -1 -> -2 points (total 0; not clamped): score 0 -> out.
        E("e1", "u1", "2024-03-01T01:00:00Z", "1"),
        E("e2", "u1", "2024-03-01T02:00:00Z", "-1"),
        # u2: b 1, then b 1 at 04:00 completes two_b: +10 at 04:00.
        E("e3", "u2", "2024-03-01T03:00:00Z", "1", metric="b"),
        E("e4", "u2", "2024-03-01T04:00:00Z", "1", metric="b"),
        # u3: a 5 -> +10 at 00:30: ties with u2 on 10 and changed earlier.
        E("e5", "u3", "2024-03-01T00:30:00Z", "5"),
        # u4: a -1 -> -2 requested, clamped to 0 (the total never goes below 0): no score.
        E("e6", "u4", "2024-03-01T00:00:00Z", "-1"),
    ],
    Read([N(1, "u3", "10"), N(2, "u2", "10")]),
)

# --- streak boards ---------------------------------------------------------------------------

DAILY_A = {"key": "s", "frequency": "daily", "conditions": [{"metric": "a"}]}


def days(user: str, *ds: int) -> list[AEvent]:
    return [E(f"{user}d{d}", user, f"2024-03-0{d}T08:00:00Z") for d in ds]


case(
    "streak",
    raw([board(rank_by="streak:s", period="perpetual", max_participants=4)], [DAILY_A]),
    [
        *days("u1", 3, 4, 5),  # length 3, started 03-03
        *days("u2", 4, 5),  # length 2, started 03-04
        *days("u3", 4, 5),  # length 2, started 03-04 (u2 < u3)
        *days("u4", 1, 2),  # 03-03 and 03-04 missed by 03-05 12:00, no freezes: broken
        *days("u5", 1, 4, 5),  # broke on 03-02/03; a new chain of 2 started 03-04 (cut: 5th)
        *days("u7", 3, 4),  # at risk on 03-05 but alive: length 2, started 03-03
    ],
    # u1 3; then the 2s: u7 (started 03-03), u2, u3, u5 (03-04, by user_id); top 4 kept.
    Read(
        [N(1, "u1", "3"), N(2, "u7", "2"), N(3, "u2", "2"), N(4, "u3", "2")],
        run=None,
        as_of=U("2024-03-05T12:00:00Z"),
    ),
    # The next day at noon u7 has missed 03-05: broken. u1, u2, u3, u5 missed nothing yet
    # (03-06 has not ended): 3, 2, 2, 2.
    Read(
        [N(1, "u1", "3"), N(2, "u2", "2"), N(3, "u3", "2"), N(4, "u5", "2")],
        run=None,
        as_of=U("2024-03-06T12:00:00Z"),
    ),
)

# --- previous rank and score -----------------------------------------------------------------

TWO_DAYS = [
    # 03-01: u1 5, u2 3, u3 1.
    E("e1", "u1", "2024-03-01T01:00:00Z", "5"),
    E("e2", "u2", "2024-03-01T01:00:00Z", "3"),
    E("e3", "u3", "2024-03-01T01:00:00Z", "1"),
    # 03-02: u3 4, u1 2, u4 1.
    E("e4", "u3", "2024-03-02T01:00:00Z", "4"),
    E("e5", "u1", "2024-03-02T02:00:00Z", "2"),
    E("e6", "u4", "2024-03-02T03:00:00Z", "1"),
]

case(
    "previous",
    raw([board()]),
    TWO_DAYS,
    Read(
        [N(1, "u3", "4", 3, "1"), N(2, "u1", "2", 1, "5"), N(3, "u4", "1")],
        run=date(2024, 3, 2),
    ),
)

case(
    "previous_cut",
    raw([board(max_participants=2)]),
    TWO_DAYS,
    # With a cap of 2, 03-01 kept u1 and u2 only: u3 has no previous rank.
    Read([N(1, "u3", "4"), N(2, "u1", "2", 1, "5")], run=date(2024, 3, 2)),
    # 03-03: nobody; 03-01's previous (02-29): nobody.
    Read([], run=date(2024, 3, 3)),
    Read([N(1, "u1", "5"), N(2, "u2", "3")]),
)
