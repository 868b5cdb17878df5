"""The `dashboards` job: the rollups every unfiltered dashboard read takes its rows from
(docs/dashboards.md "Rollups")."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import polars as pl

from gamify_analytics.config import Config
from gamify_analytics.dashboards import rollups
from gamify_analytics.dashboards.panels import PANELS
from gamify_analytics.dashboards.query import MAX_OFFSET, NAMES, Filters, compute, scope_of, tidy
from gamify_analytics.engines import Engine


def run_job(engine: Engine, config: Config, as_of: datetime, *, full: bool = False) -> int:
    """The `dashboards` job: every dashboard whose rollups are not current is computed
    exactly, unfiltered, over the whole stored range, and stored as one build; its dated rows
    (per day, per cohort) only from the first day that changed since the previous build
    (`full`: all of them). `as_of` is not used: dashboards show the stored data and the other
    jobs' latest results. Returns the rows stored."""
    span = engine.query("dashboards/stored_range").row(0, named=True)
    if not span["n"]:
        return 0
    prints = rollups.fingerprints(engine, config)
    current = {} if full else rollups.stored_fingerprints(engine)
    basis = rollups.basis(engine, config)
    first_day, last_day = span["first_day"], span["last_day"]
    rows = 0
    for name in NAMES:
        if current.get(name) == prints[name]:
            continue
        previous = None if full else rollups.load(engine, name)
        changed = rollups.first_changed(engine, name, previous, basis)
        stored = [p for p in PANELS[name] if (name, p) not in rollups.NOT_STORED]
        dated = []
        if previous is not None and changed != date.min:  # else every row is computed anew
            dated = [p for p in stored if (name, p) in rollups.DATED]
        whole = [p for p in stored if p not in dated]
        frames = compute(scope_of(engine, config, Filters(first_day, last_day)), name, whole)
        if dated:
            assert previous is not None
            frames.update(_dated(engine, config, name, dated, previous, changed, span))
        frames = {p: tidy(frames[p], PANELS[name][p]["key"]) for p in stored}
        rollups.store(engine, name, prints[name], first_day, last_day, frames, basis)
        rows += sum(f.height for f in frames.values())
    return rows


def _dated(
    engine: Engine,
    config: Config,
    name: str,
    panels: list[str],
    previous: rollups.Build,
    changed: date | None,
    span: dict[str, Any],
) -> dict[str, pl.DataFrame]:
    """Dated panels of a build: the previous build's rows before the first day that may have
    changed (a cohort's: `MAX_OFFSET` days before it), computed from there on."""
    out = {}
    for p in panels:
        if changed is None:
            out[p] = previous.frames[p]
            continue
        back = MAX_OFFSET if rollups.DATED[(name, p)] == "cohort" else 0
        first = max(changed - timedelta(days=back), span["first_day"])
        parts = [rollups.kept(previous, name, p, first)]
        if first <= span["last_day"]:
            scope = scope_of(engine, config, Filters(first, span["last_day"]))
            parts.append(compute(scope, name, [p])[p])
        out[p] = pl.concat([tidy(f, PANELS[name][p]["key"]) for f in parts], how="vertical_relaxed")
    return out
