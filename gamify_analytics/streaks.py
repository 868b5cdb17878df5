"""Streaks (§5): the chain of qualifying local periods, freezes, and the state as of T.

The rules, including the decisions the spec leaves open, are in docs/streaks.md. Each engine
computes them in one SQL statement (`sql/<engine>/streaks/`); this module binds the config's
values as parameters and shapes the results.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import polars as pl

from gamify_analytics.config import Config, ConfigError, Streak
from gamify_analytics.engines import Engine

STATE_SCHEMA = {
    "user_id": pl.String,
    "streak": pl.String,
    "length": pl.Int64,
    "longest": pl.Int64,
    "started": pl.Date,
    "last_period": pl.Date,
    "freezes_left": pl.Int64,
    "status": pl.String,
    "expires_at": pl.Datetime("ms", "UTC"),
}
HISTORY_SCHEMA = {
    "user_id": pl.String,
    "streak": pl.String,
    "period": pl.Date,
    "qualified": pl.Boolean,
    "used_freeze": pl.Boolean,
    "length": pl.Int64,
}


@dataclass(frozen=True)
class _Condition:
    metric_param: str
    threshold_param: str


def find(config: Config, key: str) -> Streak:
    for s in config.streaks:
        if s.key == key:
            return s
    raise ConfigError(
        f"{config.path}: no streak {key!r} (known: "
        f"{', '.join(s.key for s in config.streaks) or 'none'})"
    )


def _bind(streak: Streak, as_of: datetime, users: list[str] | None) -> tuple[dict, dict]:
    as_of = as_of.astimezone(UTC)
    params: dict[str, Any] = {
        "streak": streak.key,
        "as_of": as_of.replace(tzinfo=None),
        "as_of_ms": int(as_of.timestamp() * 1000),
        "initial": streak.freezes.initial,
        "max_freezes": streak.freezes.max,
        "earn_every": streak.freezes.earn_every,
        "earn_amount": streak.freezes.earn_amount,
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
    }
    return params, ctx


def compute(
    engine: Engine,
    config: Config,
    streak_key: str,
    as_of: datetime | None = None,
    users: list[str] | None = None,
) -> pl.DataFrame:
    """§5 outputs per user with any event up to `as_of` (default now)."""
    params, ctx = _bind(find(config, streak_key), as_of or datetime.now(UTC), users)
    frame = engine.query("streaks/state", params, **ctx)
    return _shape(frame, STATE_SCHEMA)


def history(
    engine: Engine,
    config: Config,
    streak_key: str,
    as_of: datetime | None = None,
    users: list[str] | None = None,
) -> pl.DataFrame:
    """Per-period history: qualifying periods and the periods a freeze bridged."""
    params, ctx = _bind(find(config, streak_key), as_of or datetime.now(UTC), users)
    frame = engine.query("streaks/history", params, **ctx)
    return _shape(frame, HISTORY_SCHEMA).sort("user_id", "period")


def _shape(frame: pl.DataFrame, schema: dict) -> pl.DataFrame:
    if frame.height == 0:
        return pl.DataFrame(schema=schema)
    return frame.select([pl.col(c).cast(t) for c, t in schema.items()])
