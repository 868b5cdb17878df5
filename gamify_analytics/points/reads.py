"""Points totals, levels and the award ledger as the points job committed them
(docs/achievements.md)."""

from __future__ import annotations

from decimal import Decimal

import polars as pl

from gamify_analytics import watermarks
from gamify_analytics.config import Config, PointsSystem
from gamify_analytics.engines import Engine

TOTALS_SCHEMA = {
    "user_id": pl.String,
    "system": pl.String,
    "total": pl.Decimal(38, 6),
    "level": pl.String,
}


def level_of(system: PointsSystem, total: Decimal) -> str | None:
    """The level with the highest `points` <= total (of equal ones, the last listed)."""
    best = None
    for level in system.levels:
        if Decimal(str(level.points)) <= total and (
            best is None or Decimal(str(level.points)) >= Decimal(str(best.points))
        ):
            best = level
    return best.key if best else None


def totals(engine: Engine, config: Config, user: str | None = None) -> pl.DataFrame:
    """Per user and system: the points total and the level it reaches."""
    frame = engine.query(
        "points/totals",
        {"committed": watermarks.committed_seq(engine, watermarks.POINTS), "user": user},
        one_user=user is not None,
        some_users=False,
    )
    if frame.height == 0:
        return pl.DataFrame(schema=TOTALS_SCHEMA)
    systems = {s.key: s for s in config.points}
    levels = [
        level_of(systems[s], Decimal(str(t))) if s in systems else None
        for s, t in zip(frame["system"].to_list(), frame["total"].to_list(), strict=True)
    ]
    return frame.with_columns(level=pl.Series(levels, dtype=pl.String)).select(
        [pl.col(c).cast(t) for c, t in TOTALS_SCHEMA.items()]
    )


def ledger(engine: Engine, system: str | None = None, user: str | None = None) -> pl.DataFrame:
    """Ledger rows in award order."""
    return engine.query(
        "points/ledger",
        {"system": system, "user": user},
        one_system=system is not None,
        one_user=user is not None,
    )
