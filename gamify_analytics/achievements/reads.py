"""Achievement completions as the job stored them, and rarity (docs/achievements.md)."""

from __future__ import annotations

import polars as pl

from gamify_analytics.config import Config
from gamify_analytics.engines import Engine

COMPLETION_SCHEMA = {
    "user_id": pl.String,
    "achievement": pl.String,
    "achieved_at": pl.Datetime("ms", "UTC"),
    "backdated": pl.Boolean,
    "event_id": pl.String,
}


def completions(engine: Engine, user: str | None = None) -> pl.DataFrame:
    """Stored completions: user_id, achievement, achieved_at, backdated, event_id."""
    frame = engine.query("achievements/read", {"user": user}, one_user=user is not None)
    if frame.height == 0:
        return pl.DataFrame(schema=COMPLETION_SCHEMA)
    return frame.select([pl.col(c).cast(t) for c, t in COMPLETION_SCHEMA.items()])


def rarity(engine: Engine, config: Config) -> pl.DataFrame:
    """Per achievement: completions, users with any event, and rarity in percent."""
    counts = engine.query("achievements/rarity")
    users = int(engine.scalar("achievements/active_users") or 0)
    done = dict(zip(counts["achievement"].to_list(), counts["n"].to_list(), strict=True))
    rows = [
        {
            "achievement": a.key,
            "completions": int(done.get(a.key, 0)),
            "users": users,
            "rarity_pct": round(100 * int(done.get(a.key, 0)) / users, 4) if users else 0.0,
        }
        for a in config.achievements
    ]
    return pl.DataFrame(rows)
