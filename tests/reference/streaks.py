"""The streak rules (as pinned down in docs/streaks.md), written as plainly as
possible: raw events in, Python loops and `zoneinfo` from the pinned tzdata, no shortcuts.

It deliberately does *not* use the ordinal arithmetic of the SQL engines: a period's start is
found by bisecting on UTC milliseconds, and missed periods are counted literally (walk the
periods that follow P1 in its zone and count those that exist and have ended by t).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from functools import cache

from gamify_analytics import config, tz

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
ONE_MS = timedelta(milliseconds=1)


@dataclass(frozen=True)
class Event:
    """`value` is a Decimal, `ts` an aware UTC datetime (ms precision), `tz` an IANA name."""

    user_id: str
    metric: str
    event_id: str
    value: Decimal
    ts: datetime
    tz: str


@dataclass(frozen=True)
class StreakState:
    user_id: str
    streak: str
    length: int
    longest: int
    started: date | None
    last_period: date | None
    freezes_left: int
    status: str
    expires_at: datetime | None


@dataclass(frozen=True)
class HistoryRow:
    user_id: str
    streak: str
    period: date
    qualified: bool
    used_freeze: bool
    length: int


# --- instants -------------------------------------------------------------------------------


def to_ms(t: datetime) -> int:
    """Exact UTC epoch milliseconds of an aware datetime (sub-ms parts are not allowed)."""
    assert t.tzinfo is not None, "instants must be aware"
    delta = t - EPOCH
    assert delta % ONE_MS == timedelta(0), f"{t} has sub-millisecond precision"
    return delta // ONE_MS


def from_ms(ms: int) -> datetime:
    return EPOCH + timedelta(milliseconds=ms)


def local_date(ms: int, zone: str) -> date:
    """The calendar date of instant `ms` in `zone` (pinned tzdata)."""
    return from_ms(ms).astimezone(tz.zone(zone)).date()


# --- periods --------------------------------------------------------------------------------


def period_key(d: date, frequency: str) -> date:
    """daily: the date; weekly: the Monday of its ISO week; monthly: the first of its month."""
    if frequency == "daily":
        return d
    if frequency == "weekly":
        return d - timedelta(days=d.weekday())
    if frequency == "monthly":
        return d.replace(day=1)
    raise ValueError(frequency)


def next_key(key: date, frequency: str) -> date:
    if frequency == "daily":
        return key + timedelta(days=1)
    if frequency == "weekly":
        return key + timedelta(days=7)
    if frequency == "monthly":
        return date(key.year + key.month // 12, key.month % 12 + 1, 1)
    raise ValueError(frequency)


@cache
def first_instant(d: date, zone: str) -> int:
    """The first instant (UTC ms) whose local date in `zone` is >= `d`.

    Bisection on milliseconds over [d - 2 days, d + 2 days] (UTC midnights): every offset is
    within ±14 h, so the local date is < d at the low end and >= d at the high end."""
    lo = to_ms(datetime(d.year, d.month, d.day, tzinfo=UTC) - timedelta(days=2))
    hi = to_ms(datetime(d.year, d.month, d.day, tzinfo=UTC) + timedelta(days=2))
    assert local_date(lo, zone) < d <= local_date(hi, zone)
    while hi - lo > 1:  # invariant: local(lo) < d <= local(hi)
        mid = (lo + hi) // 2
        if local_date(mid, zone) >= d:
            hi = mid
        else:
            lo = mid
    assert local_date(hi - 1, zone) < d <= local_date(hi, zone)
    return hi


def period_start(key: date, zone: str) -> int:
    """start(P): the first instant whose local date in `zone` is >= P's first date."""
    return first_instant(key, zone)


def period_end(key: date, zone: str, frequency: str) -> int:
    """end(P): the start of the next period."""
    return first_instant(next_key(key, frequency), zone)


def exists(key: date, zone: str, frequency: str) -> bool:
    """A period exists in a zone unless it has no instants there (start == end)."""
    return period_start(key, zone) < period_end(key, zone, frequency)


def following(key: date, zone: str, frequency: str, n: int) -> list[date]:
    """The first `n` periods after `key` that exist in `zone` (S1, S2, … of docs/streaks.md)."""
    out: list[date] = []
    s = key
    while len(out) < n:
        s = next_key(s, frequency)
        if exists(s, zone, frequency):
            out.append(s)
    return out


def missed(key: date, zone: str, t: int, frequency: str, limit: int) -> int:
    """min(limit, k): k = the number of periods that follow `key` in `zone`, exist there, and
    have ended by instant `t` (end <= t). Literally the count of missed periods, walked period
    by period; `limit` only stops the walk early (callers never need to tell limit from more)."""
    count = 0
    s = next_key(key, frequency)
    while count < limit:
        end = period_end(s, zone, frequency)
        if end > t:
            break
        if exists(s, zone, frequency):
            count += 1
        s = next_key(s, frequency)
    return count


# --- the streak -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Period:
    key: date
    zone: str
    start: int
    qualifies: bool


def _periods(events: list[Event], streak: config.Streak) -> list[_Period]:
    """The user's periods (any metric), each with its zone and whether it qualifies."""
    by_key: dict[date, list[Event]] = defaultdict(list)
    for e in events:
        by_key[period_key(local_date(to_ms(e.ts), e.tz), streak.frequency)].append(e)
    out = []
    for key, evs in by_key.items():
        latest = max(evs, key=lambda e: (e.ts, e.event_id))
        sums: dict[str, Decimal] = defaultdict(Decimal)
        for e in evs:
            sums[e.metric] += e.value
        met = [sums[c.metric] >= Decimal(str(c.threshold)) for c in streak.conditions]
        ok = all(met) if streak.mode == "all" else any(met)
        out.append(_Period(key, latest.tz, period_start(key, latest.tz), ok))
    return out


def _user(
    user_id: str, events: list[Event], streak: config.Streak, t: int
) -> tuple[StreakState, list[HistoryRow]]:
    fz = streak.freezes
    freq = streak.frequency
    quals = sorted(
        (p for p in _periods(events, streak) if p.qualifies), key=lambda p: (p.start, p.key)
    )
    balance = min(fz.initial, fz.max)
    if not quals:
        state = StreakState(user_id, streak.key, 0, 0, None, None, balance, "none", None)
        return state, []

    history: list[HistoryRow] = []
    length = longest = 0
    started: date | None = None
    prev: _Period | None = None
    for p in quals:
        if prev is None:
            length, started = 1, p.key
        else:
            k = missed(prev.key, prev.zone, p.start, freq, limit=balance + 1)
            if k == 0:
                length += 1
            elif k <= balance:
                balance -= k
                for s in following(prev.key, prev.zone, freq, k):
                    history.append(HistoryRow(user_id, streak.key, s, False, True, length))
                length += 1
            else:
                balance, length, started = 0, 1, p.key
        if fz.earn_every > 0 and length % fz.earn_every == 0:
            balance = min(fz.max, balance + fz.earn_amount)
        longest = max(longest, length)
        history.append(HistoryRow(user_id, streak.key, p.key, True, False, length))
        prev = p

    assert prev is not None
    last, f = prev, balance
    k_t = missed(last.key, last.zone, t, freq, limit=f + 1)
    if k_t <= f:
        for s in following(last.key, last.zone, freq, k_t):
            history.append(HistoryRow(user_id, streak.key, s, False, True, length))
        status = "active" if t < period_end(last.key, last.zone, freq) else "at_risk"
        # The (F+1)-th period after P_last ends at the instant k_T would become F + 1.
        expiring = following(last.key, last.zone, freq, f + 1)[-1]
        expires = from_ms(period_end(expiring, last.zone, freq))
        state = StreakState(
            user_id, streak.key, length, longest, started, last.key, f - k_t, status, expires
        )
    else:
        state = StreakState(user_id, streak.key, 0, longest, None, last.key, 0, "broken", None)
    history.sort(key=lambda h: (h.period, h.qualified))
    return state, history


def compute(
    events: Iterable[Event], streak: config.Streak, as_of: datetime
) -> tuple[list[StreakState], list[HistoryRow]]:
    """State per user with any event at or before `as_of` (sorted by user), and the history
    (sorted by user, period; a frozen row sorts before a qualifying row of the same key)."""
    t = to_ms(as_of)
    by_user: dict[str, list[Event]] = defaultdict(list)
    for e in events:
        if to_ms(e.ts) <= t:
            by_user[e.user_id].append(e)
    states: list[StreakState] = []
    history: list[HistoryRow] = []
    for user_id in sorted(by_user):
        state, rows = _user(user_id, by_user[user_id], streak, t)
        states.append(state)
        history.extend(rows)
    return states, history
