"""The validated config: what to compute, as frozen dataclasses (docs/configuration.md)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gamify_analytics.errors import ConfigError


@dataclass(frozen=True)
class Freezes:
    initial: int = 0
    max: int = 0
    earn_every: int = 0
    earn_amount: int = 1


@dataclass(frozen=True)
class Condition:
    metric: str
    threshold: float = 1


@dataclass(frozen=True)
class Streak:
    key: str
    frequency: str
    conditions: tuple[Condition, ...]
    mode: str = "all"
    freezes: Freezes = Freezes()


@dataclass(frozen=True)
class Achievement:
    key: str
    kind: str
    metric: str | None = None
    threshold: float | None = None
    streak: str | None = None
    length: int | None = None
    period: str | None = None
    requires: tuple[str, ...] = ()
    filters: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Trigger:
    points: float
    metric: str | None = None
    per: float = 1
    achievement: str | None = None
    streak: str | None = None
    length: int | None = None


@dataclass(frozen=True)
class Level:
    key: str
    points: float


@dataclass(frozen=True)
class PointsSystem:
    key: str
    triggers: tuple[Trigger, ...]
    max_points: float | None = None
    levels: tuple[Level, ...] = ()


@dataclass(frozen=True)
class Leaderboard:
    key: str
    rank_by: str
    period: str
    max_participants: int = 1000
    breakdown: tuple[str, ...] = ()
    finalize_after_hours: float = 12

    @property
    def source(self) -> tuple[str, str]:
        """('metric' | 'points' | 'streak', key) of `rank_by`."""
        kind, _, ref = self.rank_by.partition(":")
        return kind, ref


@dataclass(frozen=True)
class Dashboards:
    """Which filtered reads the `dashboards` job keeps rollups for (docs/dashboards.md)."""

    #: user attributes whose every value gets its own rollups (one build per value)
    dimensions: tuple[str, ...] = ()
    #: whether each metric gets its own rollups of the event dashboards
    metric_rollups: bool = True


@dataclass(frozen=True)
class Config:
    path: str = "<default>"
    dsn: str | None = None
    cluster: str | None = None
    metrics: tuple[str, ...] = ()
    streaks: tuple[Streak, ...] = ()
    achievements: tuple[Achievement, ...] = ()
    points: tuple[PointsSystem, ...] = ()
    leaderboards: tuple[Leaderboard, ...] = ()
    dashboards: Dashboards = Dashboards()

    def streak(self, key: str) -> Streak:
        return self._find(self.streaks, "streak", key)

    def achievement(self, key: str) -> Achievement:
        return self._find(self.achievements, "achievement", key)

    def points_system(self, key: str) -> PointsSystem:
        return self._find(self.points, "points system", key)

    def leaderboard(self, key: str) -> Leaderboard:
        return self._find(self.leaderboards, "leaderboard", key)

    def _find(self, items: tuple[Any, ...], what: str, key: str) -> Any:
        for item in items:
            if item.key == key:
                return item
        known = ", ".join(i.key for i in items) or "none"
        raise ConfigError(f"{self.path}: no {what} {key!r} (known: {known})")
