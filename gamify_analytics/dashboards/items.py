"""Which items (streaks, achievements, points triggers, boards) a dashboard read filtered by
metric shows: those whose definition depends on the metric (docs/dashboards.md "Filters"). The
dashboards that do not count events filter by metric only so, and a read of theirs takes the
chosen items' rows from a build (`selected`)."""

from __future__ import annotations

import polars as pl

from gamify_analytics.config import Config, Leaderboard, Trigger
from gamify_analytics.dashboards import slices


def keeps(metric: str | None, metrics: set[str]) -> bool:
    """Whether an item depending on `metrics` passes the filter by `metric`."""
    return metric is None or metric in metrics


def streak_metrics(config: Config, key: str) -> set[str]:
    return {c.metric for c in config.streak(key).conditions}


def achievement_metrics(config: Config, key: str) -> set[str]:
    a = next(a for a in config.achievements if a.key == key)
    if a.kind == "streak":
        return streak_metrics(config, a.streak or "")
    if a.kind == "composite":
        return set().union(*(achievement_metrics(config, r) for r in a.requires))
    return {a.metric or ""}


def trigger_metrics(config: Config, t: Trigger) -> set[str]:
    if t.metric:
        return {t.metric}
    if t.achievement:
        return achievement_metrics(config, t.achievement)
    return streak_metrics(config, t.streak or "")


def board_metrics(config: Config, board: Leaderboard) -> set[str]:
    """Of a metric or points board (streak boards are never final, so never shown)."""
    kind, ref = board.source
    if kind == "metric":
        return {ref}
    return set().union(*(trigger_metrics(config, t) for t in config.points_system(ref).triggers))


def streaks(config: Config, metric: str | None) -> list[str]:
    """The streaks a read filtered by `metric` shows."""
    return [s.key for s in config.streaks if keeps(metric, streak_metrics(config, s.key))]


def achievements(config: Config, metric: str | None) -> list[str]:
    """The achievements a read filtered by `metric` shows."""
    return [a.key for a in config.achievements if keeps(metric, achievement_metrics(config, a.key))]


def triggers(config: Config, metric: str | None) -> list[tuple[int, int]]:
    """The (system, trigger) positions whose awards a read filtered by `metric` shows."""
    return [
        (si, ti)
        for si, system in enumerate(config.points)
        for ti, t in enumerate(system.triggers)
        if keeps(metric, trigger_metrics(config, t))
    ]


def boards(config: Config, metric: str | None) -> list[Leaderboard]:
    """The boards with final runs (not perpetual, not streak boards) a read filtered by
    `metric` shows."""
    return [
        b
        for b in config.leaderboards
        if b.period != "perpetual"
        and b.source[0] != "streak"
        and keeps(metric, board_metrics(config, b))
    ]


def trigger_label(t: Trigger) -> str:
    if t.metric:
        return f"metric:{t.metric}"
    if t.achievement:
        return f"achievement:{t.achievement}"
    return f"streak:{t.streak}:{t.length}"


def selected(
    config: Config, name: str, panel: str, frame: pl.DataFrame, metric: str | None
) -> pl.DataFrame:
    """The rows of a build's panel that a read filtered by `metric` shows, for a dashboard that
    filters by metric only in which items it shows (the event dashboards have a build per
    metric): those of the items that depend on it (docs/dashboards.md "Filters")."""
    if metric is None or name in slices.EVENT or (name, panel) == ("points", "levels"):
        return frame
    if name == "streaks":
        return frame.filter(pl.col("streak").is_in(streaks(config, metric)))
    if name == "achievements":
        return frame.filter(pl.col("achievement").is_in(achievements(config, metric)))
    if name == "points":
        pairs = [
            f"{config.points[si].key}\0{trigger_label(config.points[si].triggers[ti])}"
            for si, ti in triggers(config, metric)
        ]
        pair = pl.concat_str(
            pl.col("system").cast(pl.String), pl.lit("\0"), pl.col("trigger").cast(pl.String)
        )
        return frame.filter(pair.is_in(pairs))
    keys = [b.key for b in boards(config, metric)]
    return frame.filter(pl.col("board").is_in(keys))
