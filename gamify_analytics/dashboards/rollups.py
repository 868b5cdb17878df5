"""Dashboard rollups (docs/dashboards.md "Rollups"): what the `dashboards` job stores, and how a
read takes its rows from them.

A build holds every panel of one dashboard computed exactly, unfiltered or under the filter
of its slice (`slices.py`), over the whole stored range, with the fingerprint of the data it
was computed from: the store version (a new one before and after every ingest writes), the
last successful run of each job the dashboard reads, and the rules in the config. A read uses
the newest build only when its fingerprint is the current one, so it is never stale:
otherwise the dashboard is computed from the per-day tables as before. Reads of any sub-range
with the build's filter are rows of the build: a panel's row for a day, cohort, period or run
does not depend on the range around it (`slice_panel`); the few panels that do (histograms
over the range, standings as of its end) are taken from the build only when their range is
the one it was built for.

A build's dated rows (per day, per cohort) are recomputed only from the first day that may have
changed since the previous build, whose earlier rows it keeps (`DATED`, `first_changed`).
"""

from __future__ import annotations

import base64
import io
import json
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import polars as pl

from gamify_analytics import periods, watermarks
from gamify_analytics.config import Config
from gamify_analytics.engines import Engine, naive_utc

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
#: Panels no read takes from a build (the retention curve is its cohorts pooled).
NOT_STORED = {("retention", "curve")}
#: Panels whose rows are dated (the column): a row of a day (a cohort: of its first day) is the
#: same whatever the range around it, so a build recomputes only the rows from the first day
#: that changed on (a cohort's rows look `dashboards.MAX_OFFSET` days ahead) and keeps the
#: previous build's earlier ones.
DATED = {
    ("overview", "active_users"): "day",
    ("overview", "events_per_metric"): "day",
    ("engagement", "daily"): "day",
    ("retention", "cohorts"): "cohort",
    ("achievements", "completions"): "day",
    ("points", "awarded"): "day",
}
#: Dashboards whose dated rows derive from events: those ingested since the previous build.
EVENT_DATED = ("overview", "retention", "engagement")
#: Dashboards whose dated rows derive from a job's rows, numbered by run: those numbered after
#: the run the previous build read (the job's meta key, its table).
RUN_DATED = {
    "achievements": (watermarks.ACHIEVEMENTS, "achievements"),
    "points": (watermarks.POINTS, "points_ledger"),
}


@dataclass(frozen=True)
class Build:
    """The newest stored build of one dashboard."""

    built: int
    fingerprint: str
    first_day: date
    last_day: date
    frames: dict[str, pl.DataFrame]
    #: what it was computed from (`basis`); empty for builds made before it was recorded
    basis: dict[str, Any] = field(default_factory=dict)


def fingerprints(engine: Engine, config: Config) -> dict[str, str]:
    """Per dashboard, what its rollups must have been built from to be current."""
    marks = engine.query("dashboards/rollup_basis", {"key": watermarks.STORE_VERSION})
    finished = dict(zip(marks["job"].to_list(), marks["mark"].to_list(), strict=True))
    version = finished.pop("", "")
    rules = _rules(config)
    return {
        name: watermarks.fingerprint(version, rules, [(j, finished.get(j)) for j in jobs])
        for name, jobs in DEPENDS.items()
    }


def _rules(config: Config) -> str:
    return watermarks.fingerprint(
        config.metrics, config.streaks, config.achievements, config.points, config.leaderboards
    )


def basis(engine: Engine, config: Config) -> dict[str, Any]:
    """What a build about to be computed reads: the rules, the events watermark, and the
    committed run of each job whose rows it dates (taken before it reads them)."""
    now: dict[str, Any] = {
        "rules": _rules(config),
        "watermark_us": watermarks.watermark_us(engine),
        "users": engine.scalar("admin/get_meta", {"key": watermarks.USERS_VERSION}) or "",
    }
    for meta_key, table in RUN_DATED.values():
        now[table] = int(watermarks.job_state(engine, meta_key).get("seq", 0))
    return now


def first_changed(
    engine: Engine,
    name: str,
    previous: Build | None,
    now: dict[str, Any],
    by_attribute: bool = False,
) -> date | None:
    """The first local day whose dated rows may differ from `previous`'s: `date.min` when
    any may (no previous build, other rules, a job that has rewritten all its rows since, for a
    build filtered by attribute (`by_attribute`) users ingested since), None when none does."""
    if previous is None or previous.basis.get("rules") != now["rules"]:
        return date.min
    if by_attribute and previous.basis.get("users") != now["users"]:
        return date.min
    if name in EVENT_DATED:  # on a server, inserts may still be in flight at the watermark
        margin = watermarks.INFLIGHT_MARGIN if engine.concurrent_writers else timedelta(0)
        since = watermarks.EPOCH + timedelta(microseconds=previous.basis["watermark_us"])
        params = {"since": naive_utc(since - margin)}
        return engine.scalar("dashboards/rollup_changed_events", params)
    if name not in RUN_DATED:
        return None
    meta_key, table = RUN_DATED[name]
    seq = int(previous.basis.get(table, 0))
    if int(watermarks.job_state(engine, meta_key).get("rebuilt", 0)) > seq:
        return date.min
    return engine.scalar("dashboards/rollup_changed_rows", {"seq": seq}, table_ident=table)


def kept(previous: Build, dashboard: str, panel: str, first: date) -> pl.DataFrame:
    """The rows of a dated panel of `previous` before `first` (those still current)."""
    return previous.frames[panel].filter(pl.col(DATED[(dashboard, panel)]) < first)


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
    basis: dict[str, Any],
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
                "basis": json.dumps(basis, sort_keys=True),
            },
            schema={
                "dashboard": pl.String,
                "built": pl.UInt64,
                "panel": pl.String,
                "fingerprint": pl.String,
                "first_day": pl.Date,
                "last_day": pl.Date,
                "payload": pl.String,
                "basis": pl.String,
            },
        ),
    )
    engine.execute("dashboards/rollup_prune", {"dashboard": name, "built": built})


def load(engine: Engine, name: str) -> Build | None:
    rows = engine.query("dashboards/rollup_read", {"dashboard": name})
    if not rows.height:
        return None
    rows = rows.filter(pl.col("built") == pl.col("built").max())
    first = rows.row(0, named=True)
    return Build(
        built=int(first["built"]),
        fingerprint=str(first["fingerprint"]),
        first_day=first["first_day"],
        last_day=first["last_day"],
        frames={str(r["panel"]): _decode(r["payload"]) for r in rows.iter_rows(named=True)},
        basis=json.loads(first["basis"] or "{}"),
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
        firsts = {s.key: periods.run_key(date_from, s.frequency) for s in config.streaks}
        return _periods(frame, "streak", "period", firsts, date_to)
    if dashboard == "leaderboards":  # runs overlapping the range
        firsts = {b.key: periods.run_key(date_from, b.period) for b in config.leaderboards}
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
