"""The pure-Python achievements/points reference against hand-worked cases (
docs/achievements.md). Every expectation was worked out by hand in the comments, not by
running any implementation. Times are UTC unless a comment gives the local time.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from gamify_analytics import config
from tests.reference import achievements as ref
from tests.reference.achievements import AEvent, Completion, LedgerRow, Milestone, Total
from tests.reference.streak_cases import U

AS_OF = U("2030-01-01T00:00:00Z")


def E(
    eid: str, user: str, ts: str, value: str = "1", metric: str = "a", zone: str = "UTC", **attrs
) -> AEvent:
    return AEvent(user, metric, eid, Decimal(value), U(ts), zone, tuple(sorted(attrs.items())))


def cfg(achievements=(), streaks=(), points=()) -> config.Config:
    raw: dict[str, Any] = {"metrics": [{"key": "a"}, {"key": "b"}]}
    raw |= {"streaks": list(streaks), "achievements": list(achievements), "points": list(points)}
    return config.parse(raw)


def C(user: str, ach: str, ts: str, eid: str) -> Completion:
    return Completion(user, ach, U(ts), eid)


def L(user, system, trigger, source, ts, eid, requested, points) -> LedgerRow:
    return LedgerRow(user, system, trigger, source, U(ts), eid, Decimal(requested), Decimal(points))


def metric_ach(key: str, threshold, metric: str = "a", **extra) -> dict[str, Any]:
    return {"key": key, "kind": "metric", "metric": metric, "threshold": threshold, **extra}


DAILY_A = {"key": "s", "frequency": "daily", "conditions": [{"metric": "a"}]}


# --- metric achievements ------------------------------------------------------------------


def test_metric_first_crossing_with_negative_values_and_as_of() -> None:
    c = cfg([metric_ach("ten", 10)])
    events = [
        # u1: R = 6, 11 (crosses at e2), 3 (dips), 12 (crosses again: ignored) -> e2.
        E("e1", "u1", "2024-01-01T00:00:00Z", "6"),
        E("e2", "u1", "2024-01-01T01:00:00Z", "5"),
        E("e3", "u1", "2024-01-01T02:00:00Z", "-8"),
        E("e4", "u1", "2024-01-01T03:00:00Z", "9"),
        # u2: metric b never counts; R(a) = -5 (e6), 7 (e7), 10 (e8): exactly 10 -> e8.
        E("e5", "u2", "2024-01-01T00:00:00Z", "100", metric="b"),
        E("e6", "u2", "2024-01-01T01:00:00Z", "-5"),
        E("e7", "u2", "2024-01-01T02:00:00Z", "12"),
        E("e8", "u2", "2024-01-01T03:00:00Z", "3"),
        # u3: R = 9.999999, never >= 10 -> no completion.
        E("e9", "u3", "2024-01-01T00:00:00Z", "9.999999"),
        # u4: crosses only at an event after as_of (2024-01-31) -> no completion.
        E("e10", "u4", "2024-01-01T00:00:00Z", "4"),
        E("e11", "u4", "2024-02-01T00:00:00Z", "20"),
    ]
    got = ref.completions(events, c, U("2024-01-31T00:00:00Z"))
    assert got == [
        C("u1", "ten", "2024-01-01T01:00:00Z", "e2"),
        C("u2", "ten", "2024-01-01T03:00:00Z", "e8"),
    ]


def test_metric_ties_on_ts_broken_by_event_id() -> None:
    c = cfg([metric_ach("two", 2)])
    # Same ts, given in the order b, a, c. Event order is a, b, c: R = 1 after a, 2 after b
    # -> achieved at "b" (input order would have said "a").
    t = "2024-01-01T10:00:00Z"
    events = [E("b", "u1", t), E("a", "u1", t), E("c", "u1", t)]
    assert ref.completions(events, c, AS_OF) == [C("u1", "two", t, "b")]


def test_metric_filters() -> None:
    c = cfg(
        [
            metric_ach("ios2", 2, filters={"platform": "ios"}),
            metric_ach("ios_jp", 1, filters={"platform": "ios", "country": "jp"}),
        ]
    )
    events = [
        E("e1", "u1", "2024-01-01T01:00:00Z", "1", platform="ios"),
        E("e2", "u1", "2024-01-01T02:00:00Z", "5", platform="android"),
        E("e3", "u1", "2024-01-01T03:00:00Z", "5"),  # no attributes: matches no filter
        E("e4", "u1", "2024-01-01T04:00:00Z", "1", platform="ios", country="jp"),
        E("e5", "u2", "2024-01-01T01:00:00Z", "50"),  # u2 has no attributes at all
    ]
    # ios2: matching events e1 (R=1), e4 (R=2) -> e4. ios_jp: e1 lacks country -> e4.
    assert ref.completions(events, c, AS_OF) == [
        C("u1", "ios2", "2024-01-01T04:00:00Z", "e4"),
        C("u1", "ios_jp", "2024-01-01T04:00:00Z", "e4"),
    ]


# --- period achievements ------------------------------------------------------------------


def test_period_daily_weekly_monthly_cross_in_second_period() -> None:
    c = cfg(
        [
            {"key": "d3", "kind": "period", "metric": "a", "threshold": 3, "period": "daily"},
            {"key": "w3", "kind": "period", "metric": "a", "threshold": 3, "period": "weekly"},
            {"key": "m3", "kind": "period", "metric": "a", "threshold": 3, "period": "monthly"},
        ]
    )
    events = [
        # u1 daily: 01-01 sum 2; 01-02 sums 2 then 3 -> d3 at e3 (the all-time total was
        # already 4 at e2, which does not count).
        E("e1", "u1", "2024-01-01T10:00:00Z", "2"),
        E("e2", "u1", "2024-01-02T09:00:00Z", "2"),
        E("e3", "u1", "2024-01-02T11:00:00Z", "1"),
        # u2 weekly: Sun 01-07 is ISO week of 01-01 (sum 2); Mon 01-08 and Tue 01-09 are the
        # week of 01-08 (sums 2, 3) -> w3 at e6. Daily never reaches 3.
        E("e4", "u2", "2024-01-07T12:00:00Z", "2"),
        E("e5", "u2", "2024-01-08T12:00:00Z", "2"),
        E("e6", "u2", "2024-01-09T12:00:00Z", "1"),
        # u3 monthly: 01-31 (Jan sum 2), 02-01 and 02-15 (Feb sums 2, 3) -> m3 at e9.
        # Weekly: 01-31 (Wed) and 02-01 (Thu) share the week of 01-29: sum 4 -> w3 at e8.
        E("e7", "u3", "2024-01-31T12:00:00Z", "2"),
        E("e8", "u3", "2024-02-01T12:00:00Z", "2"),
        E("e9", "u3", "2024-02-15T12:00:00Z", "1"),
    ]
    # u1: w3 (week of 01-01: 2, 4 at e2), m3 (Jan: 4 at e2). u2: m3 (Jan: 2, 4 at e5).
    assert ref.completions(events, c, AS_OF) == [
        C("u1", "d3", "2024-01-02T11:00:00Z", "e3"),
        C("u1", "m3", "2024-01-02T09:00:00Z", "e2"),
        C("u2", "m3", "2024-01-08T12:00:00Z", "e5"),
        C("u3", "m3", "2024-02-15T12:00:00Z", "e9"),
        C("u1", "w3", "2024-01-02T09:00:00Z", "e2"),
        C("u2", "w3", "2024-01-09T12:00:00Z", "e6"),
        C("u3", "w3", "2024-02-01T12:00:00Z", "e8"),
    ]


def test_period_traveller_uses_local_dates() -> None:
    c = cfg([{"key": "d2", "kind": "period", "metric": "a", "threshold": 2, "period": "daily"}])
    events = [
        E("e1", "u1", "2024-01-01T20:00:00Z", zone="Asia/Tokyo"),  # 01-02 05:00 local
        E("e2", "u1", "2024-01-02T01:00:00Z", zone="Asia/Tokyo"),  # 01-02 10:00 local
        E("e3", "u1", "2024-01-02T03:00:00Z", zone="America/New_York"),  # 01-01 22:00 local
    ]
    # Local days: e1, e2 on 01-02 (sum 2 at e2); e3 alone on 01-01 -> e2.
    # (By UTC dates e2 and e3 would share 01-02 and it would be e3.)
    assert ref.completions(events, c, AS_OF) == [C("u1", "d2", "2024-01-02T01:00:00Z", "e2")]


# --- streak achievements and milestones ---------------------------------------------------


def test_streak_length_3_daily_threshold_2() -> None:
    s = {"key": "s", "frequency": "daily", "conditions": [{"metric": "a", "threshold": 2}]}
    c = cfg([{"key": "s3", "kind": "streak", "streak": "s", "length": 3}], [s])
    events = [
        E("e1", "u1", "2024-03-01T08:00:00Z"),  # 03-01: a = 1
        E("e2", "u1", "2024-03-01T09:00:00Z"),  # a = 2: 03-01 qualifies here (length 1)
        E("e3", "u1", "2024-03-02T08:00:00Z", "2"),  # 03-02 qualifies here (length 2)
        E("e4", "u1", "2024-03-03T07:00:00Z", "5", metric="b"),  # b is not a condition
        E("e5", "u1", "2024-03-03T08:00:00Z"),  # a = 1
        E("e6", "u1", "2024-03-03T12:00:00Z"),  # a = 2: 03-03 qualifies here (length 3)
        E("e7", "u1", "2024-03-03T13:00:00Z"),  # after: irrelevant
        # u2: two qualifying days only -> no completion.
        E("e8", "u2", "2024-03-01T08:00:00Z", "2"),
        E("e9", "u2", "2024-03-02T08:00:00Z", "2"),
    ]
    # Achieved at e6, not at e5 (the first event of the 3rd day).
    assert ref.completions(events, c, AS_OF) == [C("u1", "s3", "2024-03-03T12:00:00Z", "e6")]
    assert ref.milestones(events, c.streaks[0], {1, 2, 3}, AS_OF) == [
        Milestone("u1", "s", 1, date(2024, 3, 1), U("2024-03-01T09:00:00Z"), "e2"),
        Milestone("u1", "s", 2, date(2024, 3, 2), U("2024-03-02T08:00:00Z"), "e3"),
        Milestone("u1", "s", 3, date(2024, 3, 3), U("2024-03-03T12:00:00Z"), "e6"),
        Milestone("u2", "s", 1, date(2024, 3, 1), U("2024-03-01T08:00:00Z"), "e8"),
        Milestone("u2", "s", 2, date(2024, 3, 2), U("2024-03-02T08:00:00Z"), "e9"),
    ]


def test_streak_mode_any_and_mode_all() -> None:
    conds = [{"metric": "a", "threshold": 2}, {"metric": "b", "threshold": 1}]
    anyx = {"key": "anyx", "frequency": "daily", "conditions": conds, "mode": "any"}
    allx = {"key": "allx", "frequency": "daily", "conditions": conds, "mode": "all"}
    c = cfg(
        [
            {"key": "any2", "kind": "streak", "streak": "anyx", "length": 2},
            {"key": "all1", "kind": "streak", "streak": "allx", "length": 1},
        ],
        [anyx, allx],
    )
    events = [
        E("e1", "u1", "2024-03-01T08:00:00Z"),  # 03-01: a=1, b=0: neither
        E("e2", "u1", "2024-03-01T09:00:00Z", metric="b"),  # b=1: any holds (length 1)
        E("e3", "u1", "2024-03-02T08:00:00Z"),  # 03-02: a=1
        E("e4", "u1", "2024-03-02T09:00:00Z"),  # a=2: any holds (length 2)
        E("e5", "u1", "2024-03-02T10:00:00Z", metric="b"),  # b=1: now all holds too
    ]
    # any2 at e4. all: 03-01 has a=1 < 2 (no); 03-02 holds after e5 -> all1 at e5.
    assert ref.completions(events, c, AS_OF) == [
        C("u1", "all1", "2024-03-02T10:00:00Z", "e5"),
        C("u1", "any2", "2024-03-02T09:00:00Z", "e4"),
    ]


# --- composite ----------------------------------------------------------------------------


def test_composite_of_composite() -> None:
    c = cfg(
        [
            # c2 is listed before c1, which it requires: evaluation follows dependencies.
            {"key": "c2", "kind": "composite", "requires": ["c1", "a3"]},
            {"key": "c1", "kind": "composite", "requires": ["a1", "b1"]},
            metric_ach("a1", 1),
            metric_ach("b1", 1, metric="b"),
            metric_ach("a3", 3),
        ]
    )
    events = [
        E("e1", "u1", "2024-01-01T01:00:00Z"),  # a1 (a=1)
        E("e2", "u1", "2024-01-01T02:00:00Z"),  # a=2
        E("e3", "u1", "2024-01-01T03:00:00Z", metric="b"),  # b1 -> c1 = max(e1, e3) = e3
        E("e4", "u1", "2024-01-01T04:00:00Z"),  # a3 (a=3) -> c2 = max(c1@e3, a3@e4) = e4
        # u2: a1 at e5, a3 at e6, never b -> no c1, so no c2.
        E("e5", "u2", "2024-01-01T01:00:00Z"),
        E("e6", "u2", "2024-01-01T02:00:00Z", "5"),
        # u3: a1 at "p", b1 at "q", same ts -> c1 at max event_id "q"; no a3 -> no c2.
        E("q", "u3", "2024-01-01T05:00:00Z", metric="b"),
        E("p", "u3", "2024-01-01T05:00:00Z"),
    ]
    assert ref.completions(events, c, AS_OF) == [
        C("u1", "a1", "2024-01-01T01:00:00Z", "e1"),
        C("u2", "a1", "2024-01-01T01:00:00Z", "e5"),
        C("u3", "a1", "2024-01-01T05:00:00Z", "p"),
        C("u1", "a3", "2024-01-01T04:00:00Z", "e4"),
        C("u2", "a3", "2024-01-01T02:00:00Z", "e6"),
        C("u1", "b1", "2024-01-01T03:00:00Z", "e3"),
        C("u3", "b1", "2024-01-01T05:00:00Z", "q"),
        C("u1", "c1", "2024-01-01T03:00:00Z", "e3"),
        C("u3", "c1", "2024-01-01T05:00:00Z", "q"),
        C("u1", "c2", "2024-01-01T04:00:00Z", "e4"),
    ]


# --- points -------------------------------------------------------------------------------


def test_points_metric_per_2_fractional_and_negative() -> None:
    c = cfg(points=[{"key": "xp", "triggers": [{"metric": "a", "points": 10, "per": 2}]}])
    d = "2024-01-01T0{}:00:00Z".format
    events = [
        E("e1", "u1", d(1), "1.5"),  # R 0 -> 1.5: floor(0.75) - floor(0) = 0: no row
        E("e2", "u1", d(2), "1"),  # R 2.5: 1 - 0 = 1 -> +10, total 10
        E("e3", "u1", d(3), "3.5"),  # R 6: 3 - 1 = 2 -> +20, total 30
        E("e4", "u1", d(4), "-0.5"),  # R 5.5: 2 - 3 = -1 -> -10, total 20
        # R -0.5: floor(-0.25) = -1 (towards -inf, not 0): -1 - 2 = -3 -> requested -30,
        # total max(0, -10) = 0, so only -20 is taken.
        E("e5", "u1", d(5), "-6"),
        E("e6", "u1", d(6), "0.5"),  # R 0: 0 - (-1) = 1 -> +10, total 10
        E("e7", "u1", d(7), "7", metric="b"),  # not the trigger's metric
        E("e8", "u2", d(1), "5", metric="b"),  # u2: no candidates -> no total row
    ]
    rows, totals = ref.ledger(events, c, AS_OF)
    assert rows == [
        L("u1", "xp", 0, "e2", d(2), "e2", "10", "10"),
        L("u1", "xp", 0, "e3", d(3), "e3", "20", "20"),
        L("u1", "xp", 0, "e4", d(4), "e4", "-10", "-10"),
        L("u1", "xp", 0, "e5", d(5), "e5", "-30", "-20"),
        L("u1", "xp", 0, "e6", d(6), "e6", "10", "10"),
    ]
    assert totals == [Total("u1", "xp", Decimal(10), None)]


def test_points_clamp_at_zero_and_max_points() -> None:
    c = cfg(
        points=[
            {"key": "p0", "triggers": [{"metric": "a", "points": 1}]},
            {"key": "cap", "max_points": 5, "triggers": [{"metric": "a", "points": 2}]},
        ]
    )
    d = "2024-01-01T0{}:00:00Z".format
    events = [
        E("e1", "u1", d(1), "-2"),
        E("e2", "u1", d(2), "3"),
        E("e3", "u1", d(3), "1"),
        E("e4", "u1", d(4), "-1"),
    ]
    # R = -2, 1, 2, 1. p0 (1 per unit): -2 at total 0 -> 0 (row kept, points 0); +3 -> 3;
    # +1 -> 4; -1 -> 3. cap (2 per unit, max 5): -4 -> 0 (points 0); +6 -> 5 (cut: 5);
    # +2 -> 5 (points 0); -2 -> 3.
    rows, totals = ref.ledger(events, c, AS_OF)
    assert rows == [
        L("u1", "cap", 0, "e1", d(1), "e1", "-4", "0"),
        L("u1", "cap", 0, "e2", d(2), "e2", "6", "5"),
        L("u1", "cap", 0, "e3", d(3), "e3", "2", "0"),
        L("u1", "cap", 0, "e4", d(4), "e4", "-2", "-2"),
        L("u1", "p0", 0, "e1", d(1), "e1", "-2", "0"),
        L("u1", "p0", 0, "e2", d(2), "e2", "3", "3"),
        L("u1", "p0", 0, "e3", d(3), "e3", "1", "1"),
        L("u1", "p0", 0, "e4", d(4), "e4", "-1", "-1"),
    ]
    assert totals == [Total("u1", "cap", Decimal(3), None), Total("u1", "p0", Decimal(3), None)]


def test_points_achievement_and_streak_triggers() -> None:
    triggers = [
        {"achievement": "first", "points": 5},
        {"streak": "s", "length": 2, "points": 100},
        {"metric": "a", "points": 1},
    ]
    c = cfg([metric_ach("first", 1)], [DAILY_A], [{"key": "sys", "triggers": triggers}])
    events = [
        E("e1", "u1", "2024-03-01T08:00:00Z"),
        E("e2", "u1", "2024-03-02T08:00:00Z"),  # chain 1 reaches 2 on 03-02
        # 03-03 missed (no freezes): the chain breaks.
        E("e3", "u1", "2024-03-04T08:00:00Z"),
        E("e4", "u1", "2024-03-05T08:00:00Z"),  # chain 2 reaches 2 on 03-05
    ]
    # Candidates: e1: first (trigger 0) and metric (2); e2: milestone s:2024-03-02 (1) and
    # metric (2); e3: metric; e4: milestone s:2024-03-05 and metric.
    # Total 5 + 1 + 101 + 1 + 101 = 209.
    rows, totals = ref.ledger(events, c, AS_OF)
    assert rows == [
        L("u1", "sys", 0, "first", "2024-03-01T08:00:00Z", "e1", "5", "5"),
        L("u1", "sys", 2, "e1", "2024-03-01T08:00:00Z", "e1", "1", "1"),
        L("u1", "sys", 1, "s:2024-03-02", "2024-03-02T08:00:00Z", "e2", "100", "100"),
        L("u1", "sys", 2, "e2", "2024-03-02T08:00:00Z", "e2", "1", "1"),
        L("u1", "sys", 2, "e3", "2024-03-04T08:00:00Z", "e3", "1", "1"),
        L("u1", "sys", 1, "s:2024-03-05", "2024-03-05T08:00:00Z", "e4", "100", "100"),
        L("u1", "sys", 2, "e4", "2024-03-05T08:00:00Z", "e4", "1", "1"),
    ]
    assert totals == [Total("u1", "sys", Decimal(209), None)]


def test_points_same_event_applied_in_trigger_order() -> None:
    metric = {"metric": "a", "points": 8}
    ach = {"achievement": "first", "points": 5}
    c = cfg(
        [metric_ach("first", 1)],
        points=[
            {"key": "m_first", "max_points": 10, "triggers": [metric, ach]},
            {"key": "a_first", "max_points": 10, "triggers": [ach, metric]},
        ],
    )
    t = "2024-01-01T00:00:00Z"
    events = [E("e1", "u1", t)]
    # One event earns both. m_first: metric 8 (total 8), then achievement 5 cut to 2.
    # a_first: achievement 5 (total 5), then metric 8 cut to 5.
    rows, totals = ref.ledger(events, c, AS_OF)
    assert rows == [
        L("u1", "a_first", 0, "first", t, "e1", "5", "5"),
        L("u1", "a_first", 1, "e1", t, "e1", "8", "5"),
        L("u1", "m_first", 0, "e1", t, "e1", "8", "8"),
        L("u1", "m_first", 1, "first", t, "e1", "5", "2"),
    ]
    assert totals == [
        Total("u1", "a_first", Decimal(10), None),
        Total("u1", "m_first", Decimal(10), None),
    ]


def test_levels() -> None:
    levels = [
        {"key": "gold", "points": 100},
        {"key": "bronze", "points": 10},
        {"key": "silver", "points": 50},
        {"key": "silver_b", "points": 50},
    ]
    c = cfg(points=[{"key": "xp", "triggers": [{"metric": "a", "points": 1}], "levels": levels}])
    events = [
        E("e1", "u1", "2024-01-01T00:00:00Z", "60"),  # 60: highest <= 60 is 50, twice: last
        E("e2", "u2", "2024-01-01T00:00:00Z", "5"),  # 5: below bronze (10): no level
        E("e3", "u3", "2024-01-01T00:00:00Z", "100"),  # 100: gold (listed first, still highest)
        E("e4", "u4", "2024-01-01T00:00:00Z", "10"),  # exactly 10: bronze
    ]
    _, totals = ref.ledger(events, c, AS_OF)
    assert totals == [
        Total("u1", "xp", Decimal(60), "silver_b"),
        Total("u2", "xp", Decimal(5), None),
        Total("u3", "xp", Decimal(100), "gold"),
        Total("u4", "xp", Decimal(10), "bronze"),
    ]
    xp = c.points[0]
    assert ref.level_of(xp, Decimal("49.999999")) == "bronze"
    assert ref.level_of(xp, Decimal("9.999999")) is None
