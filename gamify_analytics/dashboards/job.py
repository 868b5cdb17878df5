"""The `dashboards` job: the rollups unfiltered and filtered dashboard reads take their rows
from (docs/dashboards.md "Rollups")."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import polars as pl

from gamify_analytics.config import Config
from gamify_analytics.dashboards import rollups, slices
from gamify_analytics.dashboards.panels import PANELS
from gamify_analytics.dashboards.query import MAX_OFFSET, NAMES, Filters, compute, scope_of, tidy
from gamify_analytics.engines import Engine


def run_job(engine: Engine, config: Config, as_of: datetime, *, full: bool = False) -> int:
    """The `dashboards` job: every build that is not current (one per dashboard and slice:
    unfiltered, and each filter of `slices.built`) is computed exactly over the whole stored
    range and stored; its dated rows (per day, per cohort) only from the first day that changed
    since the previous build (`full`: all of them). `as_of` is not used: dashboards show the
    stored data and the other jobs' latest results. Returns the rows stored."""
    span = engine.query("dashboards/stored_range").row(0, named=True)
    if not span["n"]:
        return 0
    prints = rollups.fingerprints(engine, config)
    stored = rollups.stored_fingerprints(engine)
    current = {} if full else stored
    basis = rollups.basis(engine, config)
    kept = slices.built(engine, config)
    rows = 0
    for name in NAMES:
        for s in kept[name]:
            if current.get(s.key(name)) != prints[name]:
                rows += _build(engine, config, name, s, prints[name], basis, span, full)
    keys = [s.key(n) for n in NAMES for s in kept[n]]
    if set(stored) - set(keys):  # a delete only when there is one to make (each is a mutation)
        engine.execute("dashboards/rollup_drop_slices", {"keys": keys})
    return rows


def _build(
    engine: Engine,
    config: Config,
    name: str,
    s: slices.Slice,
    fingerprint: str,
    basis: dict[str, Any],
    span: dict[str, Any],
    full: bool,
) -> int:
    """One build of dashboard `name` filtered by slice `s`; the rows stored."""
    key = s.key(name)
    previous = None if full else rollups.load(engine, key)
    changed = rollups.first_changed(engine, name, previous, basis, s.attribute is not None)
    stored = [p for p in PANELS[name] if (name, p) not in rollups.NOT_STORED]
    dated = []
    if previous is not None and changed != date.min:  # else every row is computed anew
        dated = [p for p in stored if (name, p) in rollups.DATED]
    whole = [p for p in stored if p not in dated]
    first_day, last_day = span["first_day"], span["last_day"]
    frames = compute(
        scope_of(engine, config, Filters(first_day, last_day, s.metric, s.attributes)), name, whole
    )
    if dated:
        assert previous is not None
        frames.update(_dated(engine, config, name, s, dated, previous, changed, span))
    frames = {p: tidy(frames[p], PANELS[name][p]["key"]) for p in stored}
    rollups.store(engine, key, fingerprint, first_day, last_day, frames, basis)
    return sum(f.height for f in frames.values())


def _dated(
    engine: Engine,
    config: Config,
    name: str,
    s: slices.Slice,
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
            scope = scope_of(
                engine, config, Filters(first, span["last_day"], s.metric, s.attributes)
            )
            parts.append(compute(scope, name, [p])[p])
        out[p] = pl.concat([tidy(f, PANELS[name][p]["key"]) for f in parts], how="vertical_relaxed")
    return out
