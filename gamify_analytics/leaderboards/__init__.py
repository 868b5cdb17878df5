"""Leaderboards (docs/leaderboards.md): metric, points and streak boards over users' local
periods; live provisional standings, finalization, late contributions, previous rank."""

from __future__ import annotations

from gamify_analytics.leaderboards.job import finalize_run, refresh_snapshot, run_job
from gamify_analytics.leaderboards.reads import Entry, Standings, group_of, standings
from gamify_analytics.leaderboards.runs import due

__all__ = [
    "Entry",
    "Standings",
    "due",
    "finalize_run",
    "group_of",
    "refresh_snapshot",
    "run_job",
    "standings",
]
