"""Achievements (docs/achievements.md): metric, period, streak and composite completions,
written once and never revoked; rarity."""

from __future__ import annotations

from gamify_analytics.achievements.job import milestone_lengths, run_job
from gamify_analytics.achievements.reads import COMPLETION_SCHEMA, completions, rarity

__all__ = ["COMPLETION_SCHEMA", "completions", "milestone_lengths", "rarity", "run_job"]
