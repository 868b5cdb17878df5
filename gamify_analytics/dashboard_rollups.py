"""Dashboard rollups (docs/dashboards.md "Rollups"): what the `dashboards` job stores, and how a
read takes its rows from them.

A build holds every panel of one dashboard computed exactly, without filters, over the whole
stored range, with the fingerprint of the data it was computed from: the store version (a new
one before and after every ingest writes), the last successful run of each job the dashboard
reads, and the rules in the config. A read uses the newest build only when its fingerprint is
the current one, so it is never stale: otherwise the dashboard is computed from the per-day
tables as before. Unfiltered reads of any sub-range are rows of the build: a panel's row for a
day, cohort, period or run does not depend on the range around it (`slice_panel`); the few
panels that do (histograms over the range, standings as of its end) are taken from the build
only when their range is the one it was built for.
"""

from __future__ import annotations

import base64
import io
import time
from dataclasses import dataclass
from datetime import date
from typing import Any

import polars as pl

from gamify_analytics import incremental, leaderboards
from gamify_analytics.config import Config
from gamify_analytics.engines import Engine
from gamify_analytics.ingest.load import STORE_VERSION

#: The jobs whose output each dashboard reads (all read what ingest stores).
DEPENDS: dict[str, tuple[str, ...]] = {
    "overview": (),
    "retention": (),
    "engagement": (),
    "streaks": ("streaks",),
    "achievements": ("achievements",),
    "points": ("points",),
    "leaderboards": ("leaderboards",),
}
#: Panels whose rows depend on the whole range, or only on its end: taken from a build only for
#: the range it was built for, or for its end.
WHOLE_RANGE = {
    ("engagement", "active_days"),
    ("engagement", "metrics_per_user"),
    ("leaderboards", "scores"),
}
AS_OF_END = {("achievements", "rarity"), ("points", "levels")}


@dataclass(frozen=True)
class Build:
    """The newest stored build of one dashboard."""

    built: int
    fingerprint: str
    first_day: date
    last_day: date
    frames: dict[str, pl.DataFrame]


def fingerprints(engine: Engine, config: Config) -> dict[str, str]:
    """Per dashboard, what its rollups must have been built from to be current."""
    version = engine.scalar("admin/get_meta", {"key": STORE_VERSION}) or ""
    finished = {
        str(r["job"]): str(r["finished"])
        for r in engine.query("dashboards/freshness_jobs").iter_rows(named=True)
    }
    rules = incremental.fingerprint(
        config.metrics, config.streaks, config.achievements, config.points, config.leaderboards
    )
    return {
        name: incremental.fingerprint(version, rules, [(j, finished.get(j)) for j in jobs])
        for name, jobs in DEPENDS.items()
    }


def stored_fingerprints(engine: Engine) -> dict[str, str]:
    frame = engine.query("dashboards/rollup_prints")
    return {str(r["dashboard"]): str(r["fingerprint"]) for r in frame.iter_rows(named=True)}


def store(
    engine: Engine,
    name: str,
    fingerprint: str,
    first_day: date,
    last_day: date,
    frames: dict[str, pl.DataFrame],
) -> None:
    """One build of dashboard `name` in a single insert, then older builds pruned: a reader
    sees the previous build or this one, whole."""
    built = time.time_ns()
    engine.insert(
        "dashboard_rollups",
        pl.DataFrame(
            {
                "dashboard": name,
                "built": built,
                "panel": list(frames),
                "fingerprint": fingerprint,
                "first_day": first_day,
                "last_day": last_day,
                "payload": [_encode(f) for f in frames.values()],
            },
            schema={
                "dashboard": pl.String,
                "built": pl.UInt64,
                "panel": pl.String,
                "fingerprint": pl.String,
                "first_day": pl.Date,
                "last_day": pl.Date,
                "payload": pl.String,
            },
        ),
    )
    engine.execute("dashboards/rollup_prune", {"dashboard": name, "built": built})


def load(engine: Engine, name: str) -> Build | None:
    rows = engine.query("dashboards/rollup_read", {"dashboard": name})
    if not rows.height:
        return None
    first = rows.row(0, named=True)
    return Build(
        built=int(first["built"]),
        fingerprint=str(first["fingerprint"]),
        first_day=first["first_day"],
        last_day=first["last_day"],
        frames={str(r["panel"]): _decode(r["payload"]) for r in rows.iter_rows(named=True)},
    )


def read(
    config: Config, build: Build, dashboard: str, panel: str, date_from: date, date_to: date
) -> pl.DataFrame | None:
    """The rows of `panel` that an unfiltered read of [date_from, date_to] returns, taken from
    `build`; None when they cannot be (outside its range, or a panel that depends on the range
    asked for another one)."""
    source = "cohorts" if dashboard == "retention" else panel
    frame = build.frames.get(source)
    if frame is None or not build.first_day <= date_from <= date_to <= build.last_day:
        return None
    key = (dashboard, panel)
    if key in WHOLE_RANGE:
        whole = (date_from, date_to) == (build.first_day, build.last_day)
        return frame if whole else None
    if key in AS_OF_END:
        return frame if date_to == build.last_day else None
    if dashboard == "retention":
        cohorts = _cohorts(frame, date_from, date_to)
        return cohorts if panel == "cohorts" else pooled(cohorts)
    if key in {("streaks", "summary"), ("streaks", "lengths")}:  # states, not ranges
        return frame
    if dashboard == "streaks":  # periods overlapping the range
        firsts = {s.key: leaderboards.run_key(date_from, s.frequency) for s in config.streaks}
        return _periods(frame, "streak", "period", firsts, date_to)
    if dashboard == "leaderboards":  # runs overlapping the range
        firsts = {b.key: leaderboards.run_key(date_from, b.period) for b in config.leaderboards}
        return _periods(frame, "board", "run", firsts, date_to)
    return frame.filter(pl.col("day").is_between(date_from, date_to))


def _cohorts(frame: pl.DataFrame, date_from: date, date_to: date) -> pl.DataFrame:
    """Cohorts starting in the range, at the offsets observed by its end."""
    return frame.filter(
        (pl.col("cohort") >= date_from)
        & (pl.col("cohort") + pl.duration(days=pl.col("day_offset")) <= date_to)
    )


def pooled(cohorts: pl.DataFrame) -> pl.DataFrame:
    """The retention curve: the cohorts pooled per day offset."""
    return (
        cohorts.group_by("day_offset")
        .agg(pl.col("users").sum(), pl.col("retained").sum())
        .with_columns(retained_pct=100 * pl.col("retained").cast(pl.Float64) / pl.col("users"))
        .sort("day_offset")
    )


def _periods(
    frame: pl.DataFrame, item: str, column: str, firsts: dict[str, date], date_to: date
) -> pl.DataFrame:
    first = pl.col(item).replace_strict(firsts, default=None, return_dtype=pl.Date)
    return frame.filter((pl.col(column) >= first) & (pl.col(column) <= date_to))


def _encode(frame: pl.DataFrame) -> str:
    buf = io.BytesIO()
    frame.write_ipc(buf, compression="zstd")
    return base64.b64encode(buf.getvalue()).decode("ascii")


def _decode(payload: Any) -> pl.DataFrame:
    return pl.read_ipc(io.BytesIO(base64.b64decode(payload)))
