"""Filtered rollups (docs/dashboards.md "Filtered reads from rollups"): the filters the
`dashboards` job keeps a build for, and which build a filtered read takes its rows from.

A slice is a filter a build holds: none, a metric, one value of a configured dimension (a user
attribute), or a metric and a value. Only the event dashboards (overview, retention,
engagement) count events of the metric, so only they have a build per metric; the others choose
their items by metric (a streak whose conditions name it, …), and a read filtered by metric
takes those items' rows from the build of its attribute filter (`items.selected`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from gamify_analytics.config import Config
from gamify_analytics.dashboards.rollups import EVENT_DATED as EVENT
from gamify_analytics.engines import Engine
from gamify_analytics.names import DASHBOARDS


@dataclass(frozen=True)
class Slice:
    metric: str | None = None
    attribute: tuple[str, str] | None = None

    def key(self, dashboard: str) -> str:
        """The name its build is stored under: the dashboard's, then the filter as JSON."""
        if self.metric is None and self.attribute is None:
            return dashboard
        return f"{dashboard} {json.dumps([self.metric, *(self.attribute or ())])}"

    @property
    def attributes(self) -> tuple[tuple[str, str], ...]:
        return (self.attribute,) if self.attribute else ()


def serving(config: Config, dashboard: str, metric: str | None, attributes) -> Slice | None:
    """The slice whose build serves a read with these filters (any range); None when no build
    does (two attribute filters, one on an attribute that is not a dimension, a metric of an
    event dashboard without per-metric builds)."""
    if len(attributes) > 1:
        return None
    attribute = tuple(attributes[0]) if attributes else None
    if attribute is not None and attribute[0] not in config.dashboards.dimensions:
        return None
    if dashboard not in EVENT:
        metric = None
    elif metric is not None and not config.dashboards.metric_rollups:
        return None
    return Slice(metric, attribute)  # type: ignore[arg-type]


def built(engine: Engine, config: Config) -> dict[str, list[Slice]]:
    """Per dashboard, every slice the job keeps a build of: none; each metric (event
    dashboards, unless `metric_rollups = false`); each value of each dimension stored in the
    users table; each metric with each value."""
    values: list[tuple[str, str] | None] = [None]
    if config.dashboards.dimensions:
        params = {f"k{i}": k for i, k in enumerate(config.dashboards.dimensions)}
        frame = engine.query("dashboards/dimension_values", params, dims=list(params))
        values += [(str(k), str(v)) for k, v in frame.iter_rows()]
    metrics: list[str | None] = [None]
    if config.dashboards.metric_rollups:
        metrics += list(config.metrics)
    return {
        name: [Slice(m, a) for a in values for m in (metrics if name in EVENT else [None])]
        for name in DASHBOARDS
    }
