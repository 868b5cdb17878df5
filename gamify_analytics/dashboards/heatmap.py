"""Heatmaps as inline SVG for the HTML report (the same frame, axes and escaping as the line
and bar charts of `charts.py`)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from markupsafe import Markup

from gamify_analytics.dashboards.charts import (
    BOTTOM,
    HEIGHT,
    LABEL_CHARS,
    LEFT,
    TOP,
    WIDTH,
    X_LABELS,
    fmt,
    frame,
    label,
    short,
    vertical_title,
    x_axis,
)


@dataclass(frozen=True)
class Heatmap:
    """A grid of cells: `cells[(x, y)]` (missing cells stay blank), shaded 0 … max."""

    panel: str
    x: list[object]
    y: list[object]
    cells: dict[tuple[object, object], float]
    x_title: str
    y_title: str
    value_title: str


def heatmap(chart: Heatmap) -> Markup:
    """Cells shaded from white (0) to blue (the largest value), with a scale bar."""
    left, right = LEFT + 28, 76  # room for date row labels
    plot_w, plot_h = WIDTH - left - right, HEIGHT - TOP - BOTTOM
    cw, ch = plot_w / max(len(chart.x), 1), plot_h / max(len(chart.y), 1)
    hi = max([*chart.cells.values(), 0.0]) or 1.0
    col = {x: i for i, x in enumerate(chart.x)}
    row = {y: i for i, y in enumerate(chart.y)}
    cells = [
        Markup(
            '<rect class="mark" x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" '
            'fill="{c}"><title>{tip}</title></rect>'
        ).format(
            x=left + col[x] * cw,
            y=TOP + row[y] * ch,
            w=cw,
            h=ch,
            c=_shade(v / hi),
            tip=f"{chart.y_title} {label(y)} · {chart.x_title} {label(x)}: {fmt(v)}",
        )
        for (x, y), v in chart.cells.items()
    ]
    every = max(1, math.ceil(len(chart.x) / X_LABELS))
    x_labels = [(left + (i + 0.5) * cw, label(chart.x[i])) for i in range(0, len(chart.x), every)]
    y_centres = [TOP + (i + 0.5) * ch for i in range(len(chart.y))]
    parts = [
        *cells,
        x_axis(x_labels, chart.x_title, left, WIDTH - right),
        _row_labels(chart.y, y_centres, left),
        vertical_title(chart.y_title, TOP + plot_h / 2),
        _scale_bar(WIDTH - right + 14, TOP, plot_h, hi, chart.value_title),
    ]
    return frame(chart.panel, "heatmap", len(cells), parts)


def _row_labels(values: list[object], ys: list[float], left: float) -> Markup:
    every = max(1, math.ceil(len(ys) / 12))
    return Markup("").join(
        Markup(
            '<text class="tick" x="{x}" y="{y:.1f}" text-anchor="end" '
            'dominant-baseline="middle">{t}</text>'
        ).format(x=left - 6, y=ys[i], t=short(label(values[i]), LABEL_CHARS))
        for i in range(0, len(ys), every)
    )


def _scale_bar(x: float, top: float, height: float, hi: float, title: str) -> Markup:
    """The heatmap's colour scale: a gradient from 0 (bottom) to `hi` (top)."""
    return Markup(
        '<defs><linearGradient id="heat" x1="0" y1="1" x2="0" y2="0">'
        '<stop offset="0" stop-color="{lo}"/><stop offset="1" stop-color="{top_c}"/>'
        "</linearGradient></defs>"
        '<rect x="{x}" y="{y}" width="12" height="{h}" fill="url(#heat)" stroke="#8a93a3"/>'
        '<text class="tick" x="{tx}" y="{y}" dominant-baseline="middle">{hi}</text>'
        '<text class="tick" x="{tx}" y="{bottom}" dominant-baseline="middle">0</text>'
        '<text class="axis-title" x="{tr}" y="{ty}" text-anchor="end">{title}</text>'
    ).format(
        lo=_shade(0),
        top_c=_shade(1),
        x=x,
        y=top,
        h=height,
        tx=x + 16,
        hi=fmt(hi),
        bottom=top + height,
        tr=WIDTH - 4,
        ty=top - 10,
        title=title,
    )


def _shade(t: float) -> str:
    """White (0) to deep blue (1)."""
    lo, hi = (247, 251, 255), (8, 69, 148)
    r, g, b = (round(a + (c - a) * min(max(t, 0.0), 1.0)) for a, c in zip(lo, hi, strict=True))
    return f"#{r:02x}{g:02x}{b:02x}"
