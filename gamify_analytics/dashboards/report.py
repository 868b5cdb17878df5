"""`gamify report`: every dashboard panel drawn as a chart on one self-contained HTML page.

Inline CSS and SVG only (charts.py), so the page opens offline and can be mailed or archived.
How a panel (PANELS) becomes charts, the rules in docs/report.md:
- line and bar panels get one chart per unit of their y columns (values of different units
  never share an axis); the series are the panel's series columns × the y columns of that unit,
  named in a legend (always, even for one);
- dates and numbers are placed by value (charts.py): a day without a row keeps its place;
- bars over dates are stacked (parts of a day's whole), other bars stand side by side;
- at most `MAX_SERIES` series (those with the largest totals), one colour each;
- local dates not complete at the report's as-of are shaded as partial;
- heatmaps and tables are drawn as such; an empty or all-zero panel is collapsed to one line
  that says so instead of drawing axes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import jinja2
import polars as pl
from markupsafe import Markup

from gamify_analytics.config import Config
from gamify_analytics.dashboards import charts, heatmap
from gamify_analytics.dashboards.panels import Axis, Panel
from gamify_analytics.dashboards.query import NAMES, PANELS, Filters, freshness, query, resolve
from gamify_analytics.engines import Engine

MAX_SERIES = len(charts.PALETTE)
#: A local date has ended in every zone this long after it ended in UTC (the last zones are
#: 12 hours behind it): until then its data may still grow.
LAST_ZONE = timedelta(hours=12)
T = TypeVar("T")
_ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("gamify_analytics.dashboards", "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


@dataclass(frozen=True)
class Figure:
    """One panel on the page: its charts, or its table, or neither: then `empty` says why
    (no rows, or nothing but zeros) and the page collapses it to that line."""

    id: str
    title: str
    svg: Markup | None = None
    table: tuple[list[str], list[list[str]]] | None = None
    note: str = ""
    empty: str = ""


def first_partial_day(as_of: datetime) -> date:
    """The first local date whose data is not complete as of `as_of`: it has not ended in
    every zone yet."""
    return (as_of.astimezone(UTC) - LAST_ZONE).date()


def write(engine: Engine, config: Config, out: Path, filters: Filters, as_of: datetime) -> Path:
    """The page, to `out`: what it covers, as of when and how fresh the data is first, then
    each dashboard with its filters applied (the panels that have nothing to show last)."""
    resolved = resolve(engine, config, filters)
    partial = first_partial_day(as_of)
    sections = []
    for name in NAMES:
        figures = [
            figure(name, key, PANELS[name][key], frame, partial)
            for key, frame in query(engine, config, name, resolved).items()
        ]
        figures.sort(key=lambda f: bool(f.empty))
        sections.append({"name": name, "title": name.capitalize(), "panels": figures})
    page = _ENV.get_template("report.html.j2").render(
        covered=f"{resolved.date_from} – {resolved.date_to} (users' local dates)",
        as_of=f"{_when(as_of)} (the last dashboards run); local dates from {partial} on are "
        "shaded as partial: they have not ended in every time zone",
        freshness=freshness_lines(freshness(engine)),
        filters=filters_text(filters),
        generated=_when(datetime.now(UTC)),
        dashboards=sections,
    )
    out.write_text(page, encoding="utf-8")
    return out


def figure(
    dashboard: str, key: str, panel: Panel, frame: pl.DataFrame, partial: date | None = None
) -> Figure:
    """A panel's charts (or table); none, saying why, when it has nothing to show. Dates from
    `partial` on are marked partial on a chart over local dates."""
    pid, title = f"{dashboard}/{key}", panel["title"]
    empty = _nothing(panel, frame)
    if empty:
        return Figure(pid, title, empty=empty)
    if panel["chart"] == "table":
        columns = [panel["x"], *panel["y"]]
        rows = [
            [charts.label(r[a["column"]]) for a in columns] for r in frame.iter_rows(named=True)
        ]
        return Figure(pid, title, table=([axis_title(a) for a in columns], rows))
    if panel["chart"] == "heatmap":
        return Figure(pid, title, svg=_heatmap(pid, panel, frame))
    parts, notes = [], []
    partial_from = (
        partial if panel["x"]["unit"] == "date" and panel["x"]["column"] == "day" else None
    )
    for axes in _by_unit(panel["y"]):
        if not _total(frame, axes):  # a unit with nothing but zeros: a note, not empty axes
            notes.append(f"{', '.join(a['title'] for a in axes)}: 0 throughout")
            continue
        drawn, note = _charts(pid, panel, axes, frame, partial_from)
        parts += [_captioned(caption, charts.svg(chart)) for caption, chart in drawn]
        notes += [note] if note else []
    return Figure(pid, title, svg=Markup("").join(parts), note="; ".join(notes))


def _nothing(panel: Panel, frame: pl.DataFrame) -> str:
    """Why a panel has nothing to draw: no rows, or every value 0 or missing (a range without
    activity still lists its days); "" when it has something."""
    if frame.height == 0:
        return "No data in this range."
    axes = [*panel["y"], *([panel["value"]] if "value" in panel else [])]
    totals = frame.select(pl.col(a["column"]).cast(pl.Float64).abs().sum() for a in axes)
    return "" if any(totals.row(0)) else "Every value is 0 in this range."


def axis_title(axis: Axis) -> str:
    """`Length (periods)`; the unit is left out when the title already says it."""
    unit = axis["unit"]
    return axis["title"] if unit.lower() in axis["title"].lower() else f"{axis['title']} ({unit})"


def _by_unit(axes: list[Axis]) -> list[list[Axis]]:
    groups: dict[str, list[Axis]] = {}
    for a in axes:
        groups.setdefault(a["unit"], []).append(a)
    return list(groups.values())


def _x_values(frame: pl.DataFrame, column: str) -> list[Any]:
    """Dates and numbers in order; names in the frame's (key) order, e.g. levels by points."""
    dtype = frame.schema[column]
    if dtype.is_temporal() or dtype.is_numeric():
        return frame[column].unique().sort().to_list()
    return frame[column].unique(maintain_order=True).to_list()


def _charts(
    pid: str, panel: Panel, axes: list[Axis], frame: pl.DataFrame, partial: date | None
) -> tuple[list[tuple[str, charts.Chart]], str]:
    """The charts of a panel's y columns `axes` (one unit), each with a caption, and a note if
    some series were left out. One chart, with a series per group of the series columns and y
    column; or one chart per group (captioned with it) when each group has several y columns
    (rank changes per board), when bars of different groups hardly share an x value (levels per
    system), or when the groups' x values are scores of different boards."""
    x_col, by = panel["x"]["column"], panel["series"]
    groups = frame.partition_by(by, maintain_order=True, as_dict=True) if by else {(): frame}
    x_sets = [set(g[x_col].to_list()) for g in groups.values()]
    # bars of groups that hardly share an x value; scores of different boards (points, lessons)
    # are different quantities, like different units
    apart = panel["chart"] == "bar" and (
        panel["x"]["unit"] == "score" or 2 * len(set.intersection(*x_sets)) < min(map(len, x_sets))
    )
    if len(groups) > 1 and (len(axes) > 1 or apart):
        kept = _largest(list(groups.items()), lambda kv: _total(kv[1], axes))
        drawn = [
            (
                " · ".join(map(str, k)),
                _chart(pid, panel, axes, g, _series(g, x_col, axes, []), partial),
            )
            for k, g in kept
        ]
        return drawn, _left_out(len(kept), len(groups))
    series = _series(frame, x_col, axes, by)
    kept_series = _largest(series, lambda s: sum(abs(v or 0.0) for v in s.values))
    note = _left_out(len(kept_series), len(series))
    return [("", _chart(pid, panel, axes, frame, kept_series, partial))], note


def _series(
    frame: pl.DataFrame, x_col: str, axes: list[Axis], by: list[str]
) -> list[charts.Series]:
    """A series per group of the `by` columns and y column, aligned on the x values."""
    xs = _x_values(frame, x_col)
    values: dict[str, dict[Any, float | None]] = {}
    for row in frame.iter_rows(named=True):
        group = [str(row[c]) for c in by]
        for a in axes:
            name = " · ".join([*group, a["title"]] if len(axes) > 1 or not group else group)
            values.setdefault(name, {})[row[x_col]] = charts.number(row[a["column"]])
    return [charts.Series(n, [v.get(x) for x in xs]) for n, v in values.items()]


def _chart(
    pid: str,
    panel: Panel,
    axes: list[Axis],
    frame: pl.DataFrame,
    series: list[charts.Series],
    partial: date | None,
) -> charts.Chart:
    """Bars over dates are stacked (parts of a day's whole); several y columns share an axis
    titled with their unit and are told apart by the legend."""
    return charts.Chart(
        panel=pid,
        kind="bar" if panel["chart"] == "bar" else "line",
        x=_x_values(frame, panel["x"]["column"]),
        series=series,
        x_title=axis_title(panel["x"]),
        y_title=axis_title(axes[0]) if len(axes) == 1 else axes[0]["unit"].capitalize(),
        stacked=panel["chart"] == "bar" and panel["x"]["unit"] == "date",
        partial_from=partial,
    )


def _largest(items: list[T], size: Callable[[T], float]) -> list[T]:
    """At most MAX_SERIES of `items`, the largest, in their order."""
    if len(items) <= MAX_SERIES:
        return items
    keep = sorted(range(len(items)), key=lambda i: -size(items[i]))[:MAX_SERIES]
    return [items[i] for i in sorted(keep)]


def _total(frame: pl.DataFrame, axes: list[Axis]) -> float:
    return sum(abs(charts.number(v) or 0.0) for a in axes for v in frame[a["column"]].to_list())


def _left_out(kept: int, total: int) -> str:
    return f"{kept} of {total} series shown (largest totals)" if kept < total else ""


def _captioned(caption: str, svg: Markup) -> Markup:
    if not caption:
        return svg
    return Markup('<h3 class="sub">{}</h3>').format(caption) + svg


def _heatmap(pid: str, panel: Panel, frame: pl.DataFrame) -> Markup:
    x_col, y_col, v_col = panel["x"]["column"], panel["y"][0]["column"], panel["value"]["column"]
    cells = {
        (r[x_col], r[y_col]): v
        for r in frame.iter_rows(named=True)
        if (v := charts.number(r[v_col])) is not None
    }
    return heatmap.heatmap(
        heatmap.Heatmap(
            panel=pid,
            x=_dense(_x_values(frame, x_col)),
            y=_dense(_x_values(frame, y_col)),
            cells=cells,
            x_title=axis_title(panel["x"]),
            y_title=axis_title(panel["y"][0]),
            value_title=axis_title(panel["value"]),
        )
    )


def _dense(values: list[Any]) -> list[Any]:
    """Every date (or whole number) from the first of `values` to the last: a heatmap row or
    column without data stays in place, blank, so that the grid's spacing does not lie."""
    if not values:
        return values
    if all(isinstance(v, date) for v in values):
        return [values[0] + timedelta(days=i) for i in range((values[-1] - values[0]).days + 1)]
    if all(isinstance(v, int) for v in values):
        return list(range(values[0], values[-1] + 1))
    return values


def freshness_lines(fresh: dict[str, Any]) -> list[str]:
    """`dashboards.freshness` as sentences for the page's header."""
    lines = [
        f"stored local dates {fresh['first_day'] or '—'} – {fresh['last_day'] or '—'}",
        f"newest event {_when(fresh['newest_event_ts'])}",
        f"newest ingest {_when(fresh['newest_ingested_at'])}",
    ]
    for job, run in fresh["jobs"].items():
        lines.append(
            f"job {job}: finished {_when(run['finished'])}, as of {_when(run['as_of'])}, "
            f"{run['rows']:,} rows"
        )
    return lines if fresh["jobs"] else [*lines, "no job has run yet"]


def filters_text(filters: Filters) -> str:
    parts = [
        f"from {filters.date_from}" if filters.date_from else "",
        f"to {filters.date_to}" if filters.date_to else "",
        f"metric {filters.metric}" if filters.metric else "",
        *(f"users with {k} = {v}" for k, v in filters.attributes),
    ]
    return ", ".join(p for p in parts if p) or "none (every stored date, metric and user)"


def _when(value: datetime | date | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    return value.isoformat()
