"""Local periods (docs/streaks.md, docs/leaderboards.md): the key of the daily, weekly or monthly
period of a local date, the periods around it, and a streak's rules as the parameters of the
period arithmetic its SQL does. Every job and read that works in periods shares these."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from gamify_analytics import tz, watermarks
from gamify_analytics.config import Streak
from gamify_analytics.engines import Engine, naive_utc

#: The one run of a perpetual leaderboard.
PERPETUAL = date(1970, 1, 1)
#: The longest period of each frequency, in days (how far past a period a lookup can reach).
PERIOD_DAYS = {"daily": 1, "weekly": 7, "monthly": 31}
#: A day's ordinal in a zone is its `tz_days` ordinal plus this: the days since 1970-01-01 in
#: a zone that skips no day, so the exact and the arithmetic ordinals agree.
ORD_BASE = (tz.DAYS_FROM - date(1970, 1, 1)).days - 1


def run_key(day: date, period: str) -> date:
    """The key (first date) of the period holding `day`."""
    if period == "daily":
        return day
    if period == "weekly":
        return day - timedelta(days=day.weekday())
    if period == "monthly":
        return day.replace(day=1)
    return PERPETUAL


def next_key(key: date, period: str) -> date:
    if period == "daily":
        return key + timedelta(days=1)
    if period == "weekly":
        return key + timedelta(days=7)
    return (key.replace(day=28) + timedelta(days=4)).replace(day=1)


def previous_key(key: date, period: str) -> date:
    if period == "monthly":
        return (key - timedelta(days=1)).replace(day=1)
    return key - timedelta(days=1 if period == "daily" else 7)


def run_dates(key: date, period: str) -> tuple[date, date]:
    """The first and last local date of a period."""
    if period == "daily":
        return key, key
    if period == "weekly":
        return key, key + timedelta(days=6)
    return key, key.replace(day=calendar.monthrange(key.year, key.month)[1])


def run_end(key: date, period: str) -> datetime:
    """UTC midnight of the next period's first date."""
    n = next_key(key, period)
    return datetime(n.year, n.month, n.day, tzinfo=UTC)


@dataclass(frozen=True)
class _Condition:
    metric_param: str
    threshold_param: str


def streak_params(
    engine: Engine,
    streak: Streak,
    as_of: datetime,
    users: list[str] | None,
    **modes: bool,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """(parameters, template context) of a streak's statements as of `as_of` (`sql/*/streaks/`):
    its rules as bound values, the template sees only their names. `users`: only these.
    `modes` (changed_only, seeded, touched) select what the streaks and achievements jobs
    recompute."""
    as_of = as_of.astimezone(UTC)
    params: dict[str, Any] = {
        "streak": streak.key,
        "as_of": naive_utc(as_of),
        "as_of_ms": int(as_of.timestamp() * 1000),
        "initial": streak.freezes.initial,
        "max_freezes": streak.freezes.max,
        "earn_every": streak.freezes.earn_every,
        "earn_amount": streak.freezes.earn_amount,
        # how far past the last period a lookup can reach: the expiry, max + 2 periods on
        "lookahead_days": (streak.freezes.max + 3) * PERIOD_DAYS[streak.frequency],
        "ord_base": ORD_BASE,
        # users in these zones take the exact path (their daily ordinals skip a day)
        "skip_zones": engine.query("streaks/skip_zones").get_column("tz").to_list(),
    }
    conditions = []
    for i, c in enumerate(streak.conditions):
        params[f"c{i}_metric"] = c.metric
        params[f"c{i}_threshold"] = Decimal(str(c.threshold))
        conditions.append(_Condition(f"c{i}_metric", f"c{i}_threshold"))
    if users is not None:
        params["users"] = users
    ctx = {
        "frequency": streak.frequency,
        "mode": streak.mode,
        "conditions": conditions,
        "filter_users": users is not None,
        "changed_only": modes.get("changed_only", False),
        "seeded": modes.get("seeded", False),
        # only the users with events new to the achievements job (docs/achievements.md)
        "touched": modes.get("touched", False),
        # only when events after as_of are stored do days straddle it (raw events needed)
        "straddle": watermarks.events_after(engine, as_of),
    }
    # some users only: their per-day rows are few (read once, merged by GROUP BY: _days.sql)
    ctx["few_users"] = any(ctx[k] for k in ("filter_users", "changed_only", "seeded", "touched"))
    return params, ctx
