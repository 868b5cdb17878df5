"""Dashboards (docs/dashboards.md): named sets of panels over the per-day aggregates and the
jobs' outputs, their rollups (the `dashboards` job), and the HTML report (docs/report.md)."""

from __future__ import annotations

from gamify_analytics.dashboards.job import run_job
from gamify_analytics.dashboards.panels import PANELS
from gamify_analytics.dashboards.query import NAMES, Filters, freshness, query, resolve
from gamify_analytics.dashboards.report import write as write_report

__all__ = ["NAMES", "PANELS", "Filters", "freshness", "query", "resolve", "run_job", "write_report"]
