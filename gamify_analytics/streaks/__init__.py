"""Streaks (docs/streaks.md): the chain of qualifying local periods, freezes, and the state as
of an instant; the `streaks` job stores each user's chain."""

from __future__ import annotations

from gamify_analytics.streaks.job import run_job
from gamify_analytics.streaks.reads import (
    HISTORY_SCHEMA,
    STATE_SCHEMA,
    aggregates,
    compute,
    history,
    stored,
)

__all__ = [
    "HISTORY_SCHEMA",
    "STATE_SCHEMA",
    "aggregates",
    "compute",
    "history",
    "run_job",
    "stored",
]
