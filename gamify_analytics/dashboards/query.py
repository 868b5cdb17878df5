"""Dashboards: named sets of panels, each a SQL template
(`sql/common/dashboards/<dashboard>_<panel>.sql`; the streak state panels are the stored-chain
aggregates of `sql/common/streaks/`) over the tables that materialized views and jobs keep
current — `daily_metrics`, the stored streak chains, `achievements`, `points_ledger`,
`leaderboard_final`/`leaderboard_runs`, `users` — never a scan of raw events. Rules and
decisions: docs/dashboards.md.

The contract (the HTML report and `gamify dashboard` use it):

- `NAMES`: the dashboards.
- `Filters`: local-date range (inclusive; default: every stored date), one metric, user
  attributes (key = value pairs, AND-ed).
- `query(engine, config, name, filters)` → `{panel: polars.DataFrame}`, every frame sorted by
  its panel's `key`; the same numbers and types on every engine.
- `freshness(engine)` → `{"first_day", "last_day"}` (stored local dates),
  `"newest_event_ts"`, `"newest_ingested_at"` (UTC datetimes or None) and
  `"jobs": {job: {"finished", "as_of", "rows"}}`, each job's last successful run.
- `PANELS[dashboard][panel]`: how to draw a panel (`panels.py`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import polars as pl

from gamify_analytics import periods, watermarks
from gamify_analytics.config import Config, ConfigError
from gamify_analytics.dashboards import items, slices
from gamify_analytics.dashboards import rollups as builds
from gamify_analytics.dashboards.panels import PANELS
from gamify_analytics.engines import Engine
from gamify_analytics.names import DASHBOARDS

__all__ = ["NAMES", "PANELS", "Filters", "freshness", "query", "resolve"]

NAMES = DASHBOARDS
#: Retention is shown for day offsets 0 … MAX_OFFSET after the first active date.
MAX_OFFSET = 30
#: Equal-width bins of the leaderboard score histogram.
BINS = 10


@dataclass(frozen=True)
class Filters:
    date_from: date | None = None
    date_to: date | None = None
    metric: str | None = None
    attributes: tuple[tuple[str, str], ...] = ()

    def as_dict(self) -> dict[str, Any]:
        """JSON-able, as `gamify dashboard --format json` prints it."""
        return {
            "from": self.date_from,
            "to": self.date_to,
            "metric": self.metric,
            "attributes": dict(self.attributes),
        }


@dataclass(frozen=True)
class _Scope:
    """One query's engine, config, resolved filters and their bound form."""

    engine: Engine
    config: Config
    filters: Filters
    params: dict[str, Any]
    ctx: dict[str, Any]

    def sql(self, template: str, params: dict[str, Any], ctx: dict[str, Any]) -> pl.DataFrame:
        return self.engine.query(template, {**self.params, **params}, **self.ctx, **ctx)


def resolve(engine: Engine, config: Config, filters: Filters = Filters()) -> Filters:
    """`filters` checked, with the range's open ends set to the first and last stored local
    dates (today, UTC, when nothing is stored)."""
    if filters.date_from is None or filters.date_to is None:
        return _resolved(config, filters, *_stored_range(engine))
    return _resolved(config, filters, filters.date_from, filters.date_to)


def _resolved(config: Config, filters: Filters, first: date, last: date) -> Filters:
    if filters.metric is not None and filters.metric not in config.metrics:
        known = ", ".join(config.metrics) or "none"
        raise ConfigError(f"unknown metric {filters.metric!r} (metrics: {known})")
    filters = replace(
        filters, date_from=filters.date_from or first, date_to=filters.date_to or last
    )
    assert filters.date_from is not None and filters.date_to is not None
    if filters.date_from > filters.date_to:
        raise ConfigError(
            f"the range starts ({filters.date_from}) after it ends ({filters.date_to})"
        )
    return filters


def query(
    engine: Engine,
    config: Config,
    name: str,
    filters: Filters = Filters(),
    *,
    panels: Iterable[str] | None = None,
    rollups: bool = True,
) -> dict[str, pl.DataFrame]:
    """The panels of dashboard `name` (all, or those listed in `panels`), as named frames.
    Reads take their rows from the `dashboards` job's rollups when a current build serves
    their filters (`slices.serving`; `rollups=False`: never), the rest is computed from the
    per-day tables."""
    if name not in NAMES:
        raise ConfigError(f"unknown dashboard {name!r} (dashboards: {', '.join(NAMES)})")
    chosen = list(PANELS[name]) if panels is None else list(panels)
    unknown = [p for p in chosen if p not in PANELS[name]]
    if unknown:
        raise ConfigError(
            f"dashboard {name!r} has no panel {unknown[0]!r} (panels: {', '.join(PANELS[name])})"
        )
    frames: dict[str, pl.DataFrame] = {}
    build = _current_build(engine, config, name, filters) if rollups else None
    if build is not None:
        filters = _resolved(config, filters, build.first_day, build.last_day)
        assert filters.date_from is not None and filters.date_to is not None
        for p in chosen:
            frame = builds.read(config, build, name, p, filters.date_from, filters.date_to)
            if frame is not None:
                frames[p] = items.selected(config, name, p, frame, filters.metric)
    else:
        filters = resolve(engine, config, filters)
    missing = [p for p in chosen if p not in frames]
    if missing:
        frames.update(compute(scope_of(engine, config, filters), name, missing))
    return {p: tidy(frames[p], PANELS[name][p]["key"]) for p in chosen}


def _current_build(
    engine: Engine, config: Config, name: str, filters: Filters
) -> builds.Build | None:
    """The current build of the slice that serves `filters`, if the job has stored one."""
    chosen = slices.serving(config, name, filters.metric, filters.attributes)
    if chosen is None:
        return None
    build = builds.load(engine, chosen.key(name))
    if build and build.fingerprint != builds.fingerprints(engine, config)[name]:
        return None
    return build


def compute(scope: _Scope, name: str, chosen: list[str]) -> dict[str, pl.DataFrame]:
    build = _CUSTOM.get(name)
    if build is not None:
        return build(scope, chosen)
    params, ctx = _EXTRAS.get(name, _no_extras)(scope)
    return {p: scope.sql(f"dashboards/{name}_{p}", params, ctx) for p in chosen}


def freshness(engine: Engine) -> dict[str, Any]:
    """How current the data is: stored local dates, newest event and ingest, and each job's
    last successful run."""
    span = engine.query("dashboards/stored_range").row(0, named=True)
    newest_ms = engine.scalar("admin/get_meta", {"key": "max_event_ts_ms"})
    ingested_us = watermarks.watermark_us(engine)
    jobs = engine.query("dashboards/freshness_jobs")
    return {
        "first_day": span["first_day"] if span["n"] else None,
        "last_day": span["last_day"] if span["n"] else None,
        "newest_event_ts": (
            datetime.fromtimestamp(int(newest_ms) / 1000, UTC) if newest_ms is not None else None
        ),
        "newest_ingested_at": (
            watermarks.EPOCH + timedelta(microseconds=ingested_us) if ingested_us else None
        ),
        "jobs": {
            str(r["job"]): {"finished": r["finished"], "as_of": r["as_of"], "rows": int(r["rows"])}
            for r in jobs.iter_rows(named=True)
        },
    }


# --- filters ------------------------------------------------------


def _stored_range(engine: Engine) -> tuple[date, date]:
    span = engine.query("dashboards/stored_range").row(0, named=True)
    if not span["n"]:
        today = datetime.now(UTC).date()
        return today, today
    return span["first_day"], span["last_day"]


def scope_of(engine: Engine, config: Config, filters: Filters) -> _Scope:
    params: dict[str, Any] = {"date_from": filters.date_from, "date_to": filters.date_to}
    if filters.metric is not None:
        params["metric"] = filters.metric
    attrs = []
    for i, (key, value) in enumerate(filters.attributes):
        params[f"a{i}_key"], params[f"a{i}_value"] = key, value
        attrs.append((f"a{i}_key", f"a{i}_value"))
    ctx = {"attrs": attrs, "by_metric": filters.metric is not None}
    return _Scope(engine, config, filters, params, ctx)


# --- what each dashboard adds to the filters ---------------------------------------------------

Extras = tuple[dict[str, Any], dict[str, Any]]


def _no_extras(scope: _Scope) -> Extras:
    return {}, {}


def _retention(scope: _Scope) -> Extras:
    return {"max_offset": MAX_OFFSET}, {}


def _achievements(scope: _Scope) -> Extras:
    """The achievements that depend on the filtered metric (all without one)."""
    return {"achievements": items.achievements(scope.config, scope.filters.metric)}, {}


def _points_params(scope: _Scope) -> Extras:
    """Each selected trigger's label, and each system's levels highest first (of equal
    points, the last listed wins), as parameters."""
    params: dict[str, Any] = {"systems": [s.key for s in scope.config.points]}
    triggers, levels = [], []
    for si, ti in items.triggers(scope.config, scope.filters.metric):
        name = f"s{si}_t{ti}"
        params[name] = ti
        params[f"{name}_label"] = items.trigger_label(scope.config.points[si].triggers[ti])
        triggers.append({"system": f"s{si}", "pos": name, "label": f"{name}_label"})
    for si, system in enumerate(scope.config.points):
        params[f"s{si}"] = system.key
        ranked = sorted(enumerate(system.levels), key=lambda x: (x[1].points, x[0]), reverse=True)
        for li, level in ranked:
            name = f"s{si}_l{li}"
            params[name], params[f"{name}_points"] = level.key, Decimal(str(level.points))
            levels.append({"system": f"s{si}", "key": name, "points": f"{name}_points"})
    return params, {"triggers": triggers, "levels": levels}


def _leaderboards(scope: _Scope) -> Extras:
    """Boards with final runs (not perpetual, not streak boards) that depend on the filtered
    metric, each with its first run overlapping the range."""
    params: dict[str, Any] = {"bins": BINS}
    boards = []
    shown = items.boards(scope.config, scope.filters.metric)
    for i, b in enumerate(scope.config.leaderboards):
        if b in shown:
            assert scope.filters.date_from is not None
            params[f"b{i}"] = b.key
            params[f"b{i}_first"] = periods.run_key(scope.filters.date_from, b.period)
            boards.append({"key": f"b{i}", "first_run": f"b{i}_first", "period": b.period})
    return params, {"boards": boards}


_EXTRAS: dict[str, Callable[[_Scope], Extras]] = {
    "retention": _retention,
    "achievements": _achievements,
    "leaderboards": _leaderboards,
}


# --- dashboards assembled from several queries ------------------------------------------------


def _points(scope: _Scope, chosen: list[str]) -> dict[str, pl.DataFrame]:
    """Levels get every configured level, with its points, reached by anyone or not."""
    params, ctx = _points_params(scope)
    frames = {p: scope.sql(f"dashboards/points_{p}", params, ctx) for p in chosen}
    if "levels" in frames:
        configured = pl.DataFrame(
            [
                {"system": s.key, "level": lv.key, "min_points": Decimal(str(lv.points))}
                for s in scope.config.points
                for lv in s.levels
            ],
            schema={"system": pl.String, "level": pl.String, "min_points": pl.Decimal(38, 6)},
        )
        counts = frames["levels"].with_columns(
            pl.col("system").cast(pl.String), pl.col("level").cast(pl.String)
        )
        frames["levels"] = configured.join(
            counts, on=["system", "level"], how="full", coalesce=True, nulls_equal=True
        ).with_columns(pl.col("users").fill_null(0).cast(pl.Int64))
    return frames


#: Streak panels: the stored-chain aggregates of the streak statements and the per-period
#: template.
_STREAK_TEMPLATES = {
    "summary": "streaks/stored_totals",
    "lengths": "streaks/stored_lengths",
    "daily": "dashboards/streaks_daily",
}
_STREAK_SCHEMAS: dict[str, dict[str, Any]] = {
    "summary": {
        "streak": pl.String,
        "as_of": pl.Datetime("ms", "UTC"),
        "users": pl.Int64,
        "active": pl.Int64,
        "at_risk": pl.Int64,
        "broken": pl.Int64,
        "none": pl.Int64,
        "avg_length": pl.Float64,
        "max_length": pl.Int64,
        "longest_ever": pl.Int64,
        "freezes_consumed": pl.Int64,
    },
    "lengths": {"streak": pl.String, "length": pl.Int64, "users": pl.Int64},
    "daily": {"streak": pl.String, "period": pl.Date, "users": pl.Int64},
}


def _streaks(scope: _Scope, chosen: list[str]) -> dict[str, pl.DataFrame]:
    """Per streak depending on the filtered metric, as of the instant its stored chains were
    computed (the last streaks job run): streaks the job has not stored yet are left out."""
    parts: dict[str, list[pl.DataFrame]] = {p: [] for p in chosen}
    shown = items.streaks(scope.config, scope.filters.metric)
    for s in scope.config.streaks:
        as_of = watermarks.streak_as_of(scope.engine, s)
        if as_of is None or s.key not in shown:
            continue
        params, ctx = periods.streak_params(scope.engine, s, as_of, None)
        for p in chosen:
            frame = scope.sql(_STREAK_TEMPLATES[p], params, ctx).with_columns(
                streak=pl.lit(s.key), as_of=pl.lit(as_of).dt.cast_time_unit("ms")
            )
            parts[p].append(frame.fill_nan(0.0) if p == "summary" else frame)
    out = {}
    for p in chosen:
        schema = _STREAK_SCHEMAS[p]
        frames = [f.select([pl.col(c).cast(t) for c, t in schema.items()]) for f in parts[p]]
        out[p] = pl.concat(frames) if frames else pl.DataFrame(schema=schema)
    return out


_CUSTOM: dict[str, Callable[[_Scope, list[str]], dict[str, pl.DataFrame]]] = {
    "points": _points,
    "streaks": _streaks,
}


def tidy(frame: pl.DataFrame, key: list[str]) -> pl.DataFrame:
    """One shape on every engine: counts as Int64, names as String; sorted by the key."""
    casts = []
    for name, dtype in frame.schema.items():
        if dtype.is_integer() and dtype != pl.Int64:
            casts.append(pl.col(name).cast(pl.Int64))
        elif isinstance(dtype, (pl.Categorical, pl.Enum, pl.Null)):
            casts.append(pl.col(name).cast(pl.String))
    return frame.with_columns(casts).sort(key, nulls_last=False)
