"""The config file (`gamify.toml`): its model and its reader (docs/configuration.md)."""

from __future__ import annotations

from gamify_analytics.config.files import DEFAULT_PATH, load, locate, starter
from gamify_analytics.config.model import (
    Achievement,
    Condition,
    Config,
    Dashboards,
    Freezes,
    Leaderboard,
    Level,
    PointsSystem,
    Streak,
    Trigger,
)
from gamify_analytics.config.parse import (
    COUNT_LIMIT,
    DECIMAL_LIMIT,
    FREQUENCIES,
    MAX_FINALIZE_HOURS,
    PERIODS,
    parse,
)
from gamify_analytics.errors import ConfigError

__all__ = [
    "COUNT_LIMIT",
    "DECIMAL_LIMIT",
    "DEFAULT_PATH",
    "FREQUENCIES",
    "MAX_FINALIZE_HOURS",
    "PERIODS",
    "Achievement",
    "Condition",
    "Config",
    "ConfigError",
    "Dashboards",
    "Freezes",
    "Leaderboard",
    "Level",
    "PointsSystem",
    "Streak",
    "Trigger",
    "load",
    "locate",
    "parse",
    "starter",
]
