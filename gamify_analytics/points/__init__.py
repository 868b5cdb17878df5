"""Points systems (docs/achievements.md): metric, achievement and streak triggers, clamping,
levels, and a ledger of every award."""

from __future__ import annotations

from gamify_analytics.points.job import run_job
from gamify_analytics.points.reads import TOTALS_SCHEMA, ledger, level_of, totals

__all__ = ["TOTALS_SCHEMA", "ledger", "level_of", "run_job", "totals"]
