"""Achievements and points (as pinned down in docs/achievements.md), written as
plainly as possible: raw events in, Python loops, exact decimal arithmetic, no shortcuts.

Streak milestones reuse the streak reference (`tests/reference/streaks.py`): its history says
which periods qualified and the chain length after each; this module only finds, for each
milestone, the event at which that period first met its condition.

Conventions: a trigger's position `i` is 0-based (its index in the system's `triggers`);
config numbers (thresholds, points, per, max_points, level points) are read as the decimal
written in the config (`Decimal(str(x))`), never as the float.
"""

from __future__ import annotations

import decimal
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction

from gamify_analytics import config
from tests.reference import streaks

PRECISION = 60  # digits: far more than any sum of values with <= 6 decimal places needs


@dataclass(frozen=True)
class AEvent:
    """`value` is a Decimal, `ts` an aware UTC datetime (ms precision), `tz` an IANA name,
    `attributes` (name, value) pairs."""

    user_id: str
    metric: str
    event_id: str
    value: Decimal
    ts: datetime
    tz: str
    attributes: tuple[tuple[str, str], ...] = ()

    def to_streak_event(self) -> streaks.Event:
        return streaks.Event(self.user_id, self.metric, self.event_id, self.value, self.ts, self.tz)

    def attribute(self, name: str) -> str | None:
        for k, v in self.attributes:
            if k == name:
                return v
        return None


@dataclass(frozen=True)
class Completion:
    user_id: str
    achievement: str
    achieved_at: datetime
    event_id: str


@dataclass(frozen=True)
class Milestone:
    user_id: str
    streak: str
    length: int
    period: date
    ts: datetime
    event_id: str


@dataclass(frozen=True)
class LedgerRow:
    user_id: str
    system: str
    trigger: int
    source: str
    ts: datetime
    event_id: str
    requested: Decimal
    points: Decimal


@dataclass(frozen=True)
class Total:
    user_id: str
    system: str
    total: Decimal
    level: str | None


# --- helpers ------------------------------------------------------------------------------


def num(x: float | int) -> Decimal:
    """A config number as the decimal written in the config."""
    return Decimal(str(x))


def _order(e: AEvent) -> tuple[datetime, str]:
    return (e.ts, e.event_id)


def _counted(events: Iterable[AEvent], as_of: datetime) -> list[AEvent]:
    """Events with ts <= as_of, in event order (ts, event_id)."""
    t = streaks.to_ms(as_of)
    kept = [e for e in events if streaks.to_ms(e.ts) <= t]
    kept.sort(key=_order)
    return kept


def _by_user(events: list[AEvent]) -> dict[str, list[AEvent]]:
    """Each user's events, keeping the (event) order of `events`."""
    out: dict[str, list[AEvent]] = defaultdict(list)
    for e in events:
        out[e.user_id].append(e)
    return out


def _local_period(e: AEvent, frequency: str) -> date:
    return streaks.period_key(streaks.local_date(streaks.to_ms(e.ts), e.tz), frequency)


def _matches(e: AEvent, filters: tuple[tuple[str, str], ...]) -> bool:
    # A missing attribute reads as None, which never equals a value.
    return all(e.attribute(name) == value for name, value in filters)


def floor_div(a: Decimal, b: Decimal) -> int:
    """floor(a / b) towards -inf, exactly (Fraction, no rounding anywhere)."""
    return math.floor(Fraction(a) / Fraction(b))


# --- streak milestones --------------------------------------------------------------------


def _conditions_hold(streak: config.Streak, sums: dict[str, Decimal]) -> bool:
    met = [sums[c.metric] >= num(c.threshold) for c in streak.conditions]
    return all(met) if streak.mode == "all" else any(met)


def _milestones(events: list[AEvent], streak: config.Streak, as_of: datetime) -> list[Milestone]:
    """Every qualified period of the streak's history, as a milestone (any length)."""
    _, history = streaks.compute([e.to_streak_event() for e in events], streak, as_of)
    users = _by_user(events)
    out: list[Milestone] = []
    for h in history:
        if not h.qualified:
            continue
        sums: dict[str, Decimal] = defaultdict(Decimal)
        found: AEvent | None = None
        for e in users[h.user_id]:  # event order
            # every event of the period, any metric: with a threshold of 0 the first one meets it
            if _local_period(e, streak.frequency) != h.period:
                continue
            sums[e.metric] += e.value
            if _conditions_hold(streak, sums):
                found = e
                break
        if found is None:
            raise AssertionError(
                f"{h.user_id} {streak.key} {h.period}: qualified, but no event met the condition"
            )
        out.append(Milestone(h.user_id, streak.key, h.length, h.period, found.ts, found.event_id))
    return out


def milestones(
    events: Iterable[AEvent], streak: config.Streak, lengths: set[int], as_of: datetime
) -> list[Milestone]:
    """Milestones of the given lengths, sorted by (user, length, ts, event_id, period)."""
    with decimal.localcontext() as ctx:
        ctx.prec = PRECISION
        evs = _counted(events, as_of)
        out = [m for m in _milestones(evs, streak, as_of) if m.length in lengths]
    out.sort(key=lambda m: (m.user_id, m.length, m.ts, m.event_id, m.period))
    return out


# --- achievements -------------------------------------------------------------------------


def _metric_kind(a: config.Achievement, events: list[AEvent]) -> dict[str, AEvent]:
    threshold = num(a.threshold)
    done: dict[str, AEvent] = {}
    for user, evs in _by_user(events).items():
        total = Decimal(0)
        for e in evs:
            if e.metric != a.metric or not _matches(e, a.filters):
                continue
            total += e.value
            if total >= threshold:
                done[user] = e
                break
    return done


def _period_kind(a: config.Achievement, events: list[AEvent]) -> dict[str, AEvent]:
    threshold = num(a.threshold)
    done: dict[str, AEvent] = {}
    for user, evs in _by_user(events).items():
        sums: dict[date, Decimal] = defaultdict(Decimal)
        for e in evs:
            if e.metric != a.metric or not _matches(e, a.filters):
                continue
            key = _local_period(e, a.period)
            sums[key] += e.value
            if sums[key] >= threshold:
                done[user] = e
                break
    return done


def _streak_kind(
    a: config.Achievement, cfg: config.Config, events: list[AEvent], as_of: datetime
) -> dict[str, tuple[datetime, str]]:
    streak = next(s for s in cfg.streaks if s.key == a.streak)
    best: dict[str, tuple[datetime, str]] = {}
    for m in _milestones(events, streak, as_of):
        if m.length != a.length:
            continue
        if m.user_id not in best or (m.ts, m.event_id) < best[m.user_id]:
            best[m.user_id] = (m.ts, m.event_id)
    return best


def _dependency_order(achievements: tuple[config.Achievement, ...]) -> list[config.Achievement]:
    index = {a.key: a for a in achievements}
    ordered: list[config.Achievement] = []
    seen: set[str] = set()

    def visit(key: str) -> None:
        if key in seen:
            return
        seen.add(key)
        for r in index[key].requires:
            visit(r)
        ordered.append(index[key])

    for a in achievements:
        visit(a.key)
    return ordered


def _completions(
    events: list[AEvent], cfg: config.Config, as_of: datetime
) -> dict[str, dict[str, tuple[datetime, str]]]:
    """achievement key -> user -> (achieved_at, event_id)."""
    done: dict[str, dict[str, tuple[datetime, str]]] = {}
    for a in _dependency_order(cfg.achievements):
        if a.kind in ("streak", "composite"):
            assert not a.filters, f"{a.key}: {a.kind} achievements take no filters"
        if a.kind == "metric":
            done[a.key] = {u: _order(e) for u, e in _metric_kind(a, events).items()}
        elif a.kind == "period":
            done[a.key] = {u: _order(e) for u, e in _period_kind(a, events).items()}
        elif a.kind == "streak":
            done[a.key] = _streak_kind(a, cfg, events, as_of)
        elif a.kind == "composite":
            users = {e.user_id for e in events}
            got: dict[str, tuple[datetime, str]] = {}
            for user in users:
                if all(user in done[r] for r in a.requires):
                    latest = done[a.requires[0]][user]
                    for r in a.requires:
                        if done[r][user] > latest:
                            latest = done[r][user]
                    got[user] = latest
            done[a.key] = got
        else:
            raise ValueError(a.kind)
    return done


def completions(events: Iterable[AEvent], cfg: config.Config, as_of: datetime) -> list[Completion]:
    """Completions as of `as_of`, sorted by (achievement, user)."""
    with decimal.localcontext() as ctx:
        ctx.prec = PRECISION
        done = _completions(_counted(events, as_of), cfg, as_of)
    out = [
        Completion(user, key, at, event_id)
        for key, users in done.items()
        for user, (at, event_id) in users.items()
    ]
    out.sort(key=lambda c: (c.achievement, c.user_id))
    return out


# --- points -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Candidate:
    user_id: str
    ts: datetime
    event_id: str
    trigger: int
    source: str
    amount: Decimal


def _candidates(
    system: config.PointsSystem,
    cfg: config.Config,
    events: list[AEvent],
    done: dict[str, dict[str, tuple[datetime, str]]],
    as_of: datetime,
) -> list[_Candidate]:
    out: list[_Candidate] = []
    for i, t in enumerate(system.triggers):
        pts = num(t.points)
        if t.metric is not None:
            per = num(t.per)
            for user, evs in _by_user(events).items():
                running = Decimal(0)
                for e in evs:
                    if e.metric != t.metric:
                        continue
                    before = running
                    running = running + e.value
                    amount = pts * (floor_div(running, per) - floor_div(before, per))
                    if amount != 0:
                        out.append(_Candidate(user, e.ts, e.event_id, i, e.event_id, amount))
        elif t.achievement is not None:
            for user, (at, event_id) in done[t.achievement].items():
                out.append(_Candidate(user, at, event_id, i, t.achievement, pts))
        elif t.streak is not None:
            streak = next(s for s in cfg.streaks if s.key == t.streak)
            for m in _milestones(events, streak, as_of):
                if m.length == t.length:
                    source = f"{t.streak}:{m.period.isoformat()}"
                    out.append(_Candidate(m.user_id, m.ts, m.event_id, i, source, pts))
        else:
            raise ValueError(t)
    return out


def level_of(system: config.PointsSystem, total: Decimal) -> str | None:
    """The level with the highest points <= total; of equal ones the last listed."""
    best: config.Level | None = None
    for lv in system.levels:
        if num(lv.points) <= total and (best is None or num(lv.points) >= num(best.points)):
            best = lv
    return None if best is None else best.key


def ledger(
    events: Iterable[AEvent], cfg: config.Config, as_of: datetime
) -> tuple[list[LedgerRow], list[Total]]:
    """Ledger rows sorted by (system, user, ts, event_id, trigger) and one total per user
    with ledger rows in a system, sorted by (system, user)."""
    rows: list[LedgerRow] = []
    totals: list[Total] = []
    with decimal.localcontext() as ctx:
        ctx.prec = PRECISION
        evs = _counted(events, as_of)
        done = _completions(evs, cfg, as_of)
        for system in cfg.points:
            cap = None if system.max_points is None else num(system.max_points)
            by_user: dict[str, list[_Candidate]] = defaultdict(list)
            for c in _candidates(system, cfg, evs, done, as_of):
                by_user[c.user_id].append(c)
            for user, cands in by_user.items():
                cands.sort(key=lambda c: (c.ts, c.event_id, c.trigger))
                total = Decimal(0)
                for c in cands:
                    after = total + c.amount
                    if after < 0:
                        after = Decimal(0)
                    if cap is not None and after > cap:
                        after = cap
                    rows.append(
                        LedgerRow(
                            user,
                            system.key,
                            c.trigger,
                            c.source,
                            c.ts,
                            c.event_id,
                            c.amount,
                            after - total,
                        )
                    )
                    total = after
                totals.append(Total(user, system.key, total, level_of(system, total)))
    rows.sort(key=lambda r: (r.system, r.user_id, r.ts, r.event_id, r.trigger))
    totals.sort(key=lambda t: (t.system, t.user_id))
    return rows, totals
