"""Dashboards (docs/dashboards.md) on both engines: every panel equals a direct computation
in Python — from the raw events for what events determine (activity, retention, engagement,
qualifying streak periods, leaderboard participants), from the job outputs read through the
API for the rest (streak states, completions, the award ledger, final standings) — unfiltered
and under each filter; the CLI prints a dashboard as JSON and CSV."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import polars as pl

from gamify_analytics import config

END = date(2024, 4, 10)


AS_OF = datetime(2024, 4, 13, tzinfo=UTC)


NOW_MS = int(datetime(2024, 5, 1, tzinfo=UTC).timestamp() * 1000)


CFG = config.parse(
    {
        "metrics": [{"key": "lessons"}, {"key": "minutes"}, {"key": "quizzes"}],
        "streaks": [
            {
                "key": "daily",
                "frequency": "daily",
                "conditions": [{"metric": "lessons"}],
                "freezes": {"initial": 1, "max": 2, "earn_every": 3},
            },
            {
                "key": "weekly",
                "frequency": "weekly",
                "mode": "any",
                "conditions": [
                    {"metric": "minutes", "threshold": 30},
                    {"metric": "quizzes", "threshold": 1},
                ],
            },
        ],
        "achievements": [
            {"key": "lessons_5", "kind": "metric", "metric": "lessons", "threshold": 5},
            {"key": "streak_3", "kind": "streak", "streak": "daily", "length": 3},
            {"key": "both", "kind": "composite", "requires": ["lessons_5", "streak_3"]},
            {
                "key": "quiz_day",
                "kind": "period",
                "metric": "quizzes",
                "period": "daily",
                "threshold": 2,
            },
        ],
        "points": [
            {
                "key": "xp",
                "max_points": 200,
                "triggers": [
                    {"metric": "lessons", "points": 10},
                    {"achievement": "lessons_5", "points": 50},
                    {"streak": "daily", "length": 3, "points": 20},
                ],
                "levels": [
                    {"key": "bronze", "points": 0},
                    {"key": "silver", "points": 100},
                    {"key": "gold", "points": 200},
                ],
            }
        ],
        "leaderboards": [
            {
                "key": "day_lessons",
                "rank_by": "metric:lessons",
                "period": "daily",
                "breakdown": ["country"],
                "max_participants": 5,
            },
            {"key": "week_xp", "rank_by": "points:xp", "period": "weekly"},
            {"key": "streaky", "rank_by": "streak:daily"},
        ],
    }
)


@dataclass(frozen=True)
class Data:
    events: pl.DataFrame  # user_id, metric, event_id, ts (epoch ms), value (exact), local_date
    users: pl.DataFrame  # user_id, country
    files: tuple[Path, Path]
