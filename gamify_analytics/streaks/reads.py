"""Streak state and history read from the events, or judged from the chains the streaks job
stored (docs/streaks.md): one SQL statement per read (`sql/common/streaks/`)."""

from __future__ import annotations

from datetime import UTC, datetime

import polars as pl

from gamify_analytics import periods
from gamify_analytics.config import Config
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


def _read(
    template: str,
    schema: dict,
    engine: Engine,
    config: Config,
    streak_key: str,
    as_of: datetime | None,
    users: list[str] | None,
) -> pl.DataFrame:
    streak = config.streak(streak_key)
    params, ctx = periods.streak_params(engine, streak, as_of or datetime.now(UTC), users)
    return shape(engine.query(template, params, **ctx), schema)


def compute(
    engine: Engine,
    config: Config,
    streak_key: str,
    as_of: datetime | None = None,
    users: list[str] | None = None,
) -> pl.DataFrame:
    """Streak outputs per user with any event up to `as_of` (default now)."""
    return _read("streaks/state", STATE_SCHEMA, engine, config, streak_key, as_of, users)


def history(
    engine: Engine,
    config: Config,
    streak_key: str,
    as_of: datetime | None = None,
    users: list[str] | None = None,
) -> pl.DataFrame:
    """Per-period history: qualifying periods and the periods a freeze bridged."""
    frame = _read("streaks/history", HISTORY_SCHEMA, engine, config, streak_key, as_of, users)
    return frame.sort("user_id", "period")


def stored(
    engine: Engine,
    config: Config,
    streak_key: str,
    as_of: datetime | None = None,
    users: list[str] | None = None,
) -> pl.DataFrame:
    """Streak outputs judged as of `as_of` from the chains the streaks job stored (the read
    path of dashboards and leaderboards: no event is scanned)."""
    return _read("streaks/stored", STATE_SCHEMA, engine, config, streak_key, as_of, users)


def aggregates(
    engine: Engine, config: Config, streak_key: str, as_of: datetime | None = None
) -> dict[str, pl.DataFrame]:
    """Streak aggregates for dashboards: totals (statuses, average and longest length,
    freezes consumed) and the length distribution from the stored chains, and per period the
    users whose period qualified (that is, whose streak was kept alive that period)."""
    streak = config.streak(streak_key)
    params, ctx = periods.streak_params(engine, streak, as_of or datetime.now(UTC), None)
    return {
        "totals": engine.query("streaks/stored_totals", params, **ctx),
        "lengths": engine.query("streaks/stored_lengths", params, **ctx),
        "per_period": engine.query("streaks/per_period", params, **ctx),
    }


def shape(frame: pl.DataFrame, schema: dict) -> pl.DataFrame:
    """One shape on every engine (an empty result keeps its columns)."""
    if frame.height == 0:
        return pl.DataFrame(schema=schema)
    return frame.select([pl.col(c).cast(t) for c, t in schema.items()])
