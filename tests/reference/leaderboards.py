"""Leaderboards (as pinned down in docs/leaderboards.md), written as plainly as
possible: raw events in, Python loops, exact decimal arithmetic, no shortcuts.

- `metric:K` boards sum the values of the events of metric K per run (the period of the
  event's local date); `points:K` boards sum the awarded points of the ledger rows of system K
  (`tests/reference/achievements.py`, one evaluation over every event up to `as_of`), each in
  the run of the local date of the event that earned it; `streak:K` boards rank the current
  chain lengths (`tests/reference/streaks.py`, as of `as_of`).
- A user's **last change** in a run is the latest `ts` among their non-zero contributions
  there (a zero-value event, or a ledger row whose award was cut to 0, does not move it).
- Order: score descending, then the earlier last change (`started` for streak boards), then
  the smaller `user_id`; each group keeps its top `max_participants`, ranked 1..N.

This is the *provisional* (live) computation: final standings are those of the events present
when the run was finalized, i.e. this function applied to exactly those events.
"""

from __future__ import annotations

import decimal
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from gamify_analytics import config
from tests.reference import achievements, streaks
from tests.reference.achievements import AEvent

#: The key of a perpetual board's single run.
PERPETUAL = date(1970, 1, 1)
#: The group name of a missing attribute.
NONE = "(none)"


@dataclass(frozen=True)
class Entry:
    rank: int
    user_id: str
    score: Decimal
    previous_rank: int | None
    previous_score: Decimal | None


# --- runs ---------------------------------------------------------------------------------


def run_key(d: date, period: str) -> date:
    """The key of the run containing local date `d`: the date (daily), the Monday of its ISO
    week (weekly), the first of its month (monthly), 1970-01-01 (perpetual)."""
    if period == "perpetual":
        return PERPETUAL
    return streaks.period_key(d, period)


def previous_key(key: date, period: str) -> date | None:
    """The key of the run before `key` (none for a perpetual board)."""
    if period == "perpetual":
        return None
    if period == "daily":
        return key - timedelta(days=1)
    if period == "weekly":
        return key - timedelta(days=7)
    if period == "monthly":
        return (key - timedelta(days=1)).replace(day=1)
    raise ValueError(period)


def run_end(key: date, period: str) -> datetime:
    """The UTC midnight of the first date of the next period."""
    if period == "perpetual":
        raise ValueError("a perpetual run never ends")
    nxt = streaks.next_key(key, period)
    return datetime(nxt.year, nxt.month, nxt.day, tzinfo=UTC)


def due(key: date, period: str, hours: float) -> datetime:
    """When the run is finalized: its end + `finalize_after_hours`."""
    return run_end(key, period) + timedelta(hours=hours)


# --- groups -------------------------------------------------------------------------------


def group_of(attributes: dict[str, str], breakdown: Iterable[str]) -> str:
    """The attribute values named by `breakdown`, joined with "/" (missing: "(none)"); ""
    without a breakdown."""
    return "/".join(attributes.get(name, NONE) for name in breakdown)


def groups(users: dict[str, dict[str, str]], breakdown: Iterable[str]) -> dict[str, str]:
    """user_id -> the breakdown group the user belongs to ("" without a breakdown)."""
    names = tuple(breakdown)
    return {user: group_of(attrs, names) for user, attrs in users.items()}


# --- contributions ------------------------------------------------------------------------


@dataclass(frozen=True)
class Contribution:
    user_id: str
    run: date
    amount: Decimal
    ts: datetime


def _board(cfg: config.Config, key: str) -> config.Leaderboard:
    for b in cfg.leaderboards:
        if b.key == key:
            return b
    raise KeyError(key)


def _local_date(ts: datetime, zone: str) -> date:
    return streaks.local_date(streaks.to_ms(ts), zone)


def contributions(
    events: Iterable[AEvent], cfg: config.Config, board: config.Leaderboard, as_of: datetime
) -> list[Contribution]:
    """Every contribution (ts <= as_of) of a metric: or points: board, with its run."""
    kind, _, ref = board.rank_by.partition(":")
    t = streaks.to_ms(as_of)
    evs = [e for e in events if streaks.to_ms(e.ts) <= t]
    out: list[Contribution] = []
    if kind == "metric":
        for e in evs:
            if e.metric == ref:
                run = run_key(_local_date(e.ts, e.tz), board.period)
                out.append(Contribution(e.user_id, run, e.value, e.ts))
    elif kind == "points":
        # Where each ledger row's event lives: (user, ts, event_id) names exactly one event.
        where: dict[tuple[str, datetime, str], set[str]] = defaultdict(set)
        for e in evs:
            where[(e.user_id, e.ts, e.event_id)].add(e.tz)
        rows, _ = achievements.ledger(evs, cfg, as_of)
        for r in rows:
            if r.system != ref:
                continue
            zones = where[(r.user_id, r.ts, r.event_id)]
            assert len(zones) == 1, f"ledger row {r} does not name one event: {zones}"
            (zone,) = zones
            run = run_key(_local_date(r.ts, zone), board.period)
            out.append(Contribution(r.user_id, run, r.points, r.ts))
    else:
        raise ValueError(f"{board.rank_by}: not a metric: or points: board")
    return out


# --- standings ----------------------------------------------------------------------------


def _cut(
    ranked: list[tuple[str, Decimal]], users: dict[str, dict[str, str]], board, group: str
) -> list[tuple[str, Decimal]]:
    """The group's members of `ranked` (already in order), top `max_participants`."""
    kept: list[tuple[str, Decimal]] = []
    for user, score in ranked:
        if group != "" and group_of(users.get(user, {}), board.breakdown) != group:
            continue
        if len(kept) < board.max_participants:
            kept.append((user, score))
    return kept


def _scored(
    events: list[AEvent],
    users: dict[str, dict[str, str]],
    cfg: config.Config,
    board: config.Leaderboard,
    run: date,
    group: str,
    as_of: datetime,
) -> list[tuple[str, Decimal]]:
    """(user, score) of a metric:/points: run's group, in rank order, cut."""
    score: dict[str, Decimal] = defaultdict(Decimal)
    last: dict[str, datetime] = {}
    for c in contributions(events, cfg, board, as_of):
        if c.run != run:
            continue
        score[c.user_id] += c.amount
        if c.amount != 0 and (c.user_id not in last or c.ts > last[c.user_id]):
            last[c.user_id] = c.ts
    participants = [u for u in score if score[u] != 0]
    # A non-zero score has a non-zero contribution, so `last` is set.
    participants.sort(key=lambda u: (-score[u], last[u], u))
    return _cut([(u, score[u]) for u in participants], users, board, group)


def _streak_scored(
    events: list[AEvent],
    users: dict[str, dict[str, str]],
    cfg: config.Config,
    board: config.Leaderboard,
    group: str,
    as_of: datetime,
) -> list[tuple[str, Decimal]]:
    ref = board.rank_by.partition(":")[2]
    streak = next(s for s in cfg.streaks if s.key == ref)
    states, _ = streaks.compute([e.to_streak_event() for e in events], streak, as_of)
    alive = [s for s in states if s.length > 0]
    alive.sort(key=lambda s: (-s.length, s.started, s.user_id))
    return _cut([(s.user_id, Decimal(s.length)) for s in alive], users, board, group)


def standings(
    events: Iterable[AEvent],
    users: dict[str, dict[str, str]],
    cfg: config.Config,
    key: str,
    run: date | None,
    group: str,
    as_of: datetime,
) -> list[Entry]:
    """The live standings of board `key`'s run `run` (None or 1970-01-01: perpetual) for
    `group` ("" = everyone), as of `as_of`, with the previous run's rank and score."""
    board = _board(cfg, key)
    evs = list(events)
    kind = board.rank_by.partition(":")[0]
    with decimal.localcontext() as ctx:
        ctx.prec = achievements.PRECISION
        if kind == "streak":
            assert run in (None, PERPETUAL), "streak boards are perpetual"
            return [
                Entry(i, user, score, None, None)
                for i, (user, score) in enumerate(
                    _streak_scored(evs, users, cfg, board, group, as_of), start=1
                )
            ]
        if board.period == "perpetual":
            assert run in (None, PERPETUAL), f"{key} is perpetual"
            run = PERPETUAL
        assert run is not None and run == run_key(run, board.period), f"{run} is not a run key"
        now = _scored(evs, users, cfg, board, run, group, as_of)
        before: dict[str, tuple[int, Decimal]] = {}
        prev = previous_key(run, board.period)
        if prev is not None:
            ranked = _scored(evs, users, cfg, board, prev, group, as_of)
            for i, (user, score) in enumerate(ranked, start=1):
                before[user] = (i, score)
    out = []
    for i, (user, score) in enumerate(now, start=1):
        p_rank, p_score = before.get(user, (None, None))
        out.append(Entry(i, user, score, p_rank, p_score))
    return out


def run_keys(events: Iterable[AEvent], cfg: config.Config, key: str, as_of: datetime) -> list[date]:
    """The keys of the runs with any contribution (sorted); [1970-01-01] for a streak board."""
    board = _board(cfg, key)
    if board.rank_by.startswith("streak:"):
        return [PERPETUAL]
    with decimal.localcontext() as ctx:
        ctx.prec = achievements.PRECISION
        return sorted({c.run for c in contributions(list(events), cfg, board, as_of)})
