"""Line and bar charts as inline SVG for the HTML report: no script and no network
needed to open it. Every piece of text goes through markupsafe (user ids and attribute values
reach labels and tooltips). Each data mark has the class `mark` and a `<title>` tooltip, and the
`<svg>` says how many data points it draws (`data-marks`), so a browser test can check them.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from itertools import pairwise
from typing import Literal

from markupsafe import Markup

WIDTH, HEIGHT = 640, 320
LEFT, RIGHT, TOP, BOTTOM = 72, 40, 24, 64
LEGEND_ROW = 16
#: Okabe–Ito: distinguishable with the common colour-vision deficiencies.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000")
X_LABELS = 7
LABEL_CHARS = 14
LEGEND_CHARS = 40
#: Lines with more points than this get no dots (nor tooltips): they would merge.
MAX_DOTS = 120
#: The band that marks partial dates is at least this wide (px), however many days are shown.
PARTIAL_MIN = 16

Scale = Callable[[float], float]


@dataclass(frozen=True)
class Series:
    name: str
    values: list[float | None]


@dataclass(frozen=True)
class Chart:
    """What to draw: `x` holds dates, numbers or labels, one per point or bar; `stacked` bars
    pile the series up (parts of a whole), others stand side by side. `partial_from`: on a
    date axis, the first date whose data is not complete yet (shaded and labelled partial)."""

    panel: str
    kind: Literal["line", "bar"]
    x: list[object]
    series: list[Series]
    x_title: str
    y_title: str
    stacked: bool = False
    partial_from: date | None = None


def number(value: object) -> float | None:
    """A cell as a float (Decimal and integer columns included); None stays missing."""
    if value is None:
        return None
    if isinstance(value, (int, float, Decimal)):
        return float(value)
    raise TypeError(f"not a number: {value!r}")


def label(value: object) -> str:
    """How an x value reads on the axis and in tooltips."""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (float, Decimal)):
        return fmt(float(value))
    return str(value)


def fmt(v: float) -> str:
    """Compact tick and tooltip numbers: 1.5k, 2M, 0.25."""
    a = abs(v)
    for size, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if a >= size:
            return f"{v / size:.3g}{suffix}"
    return f"{v:.3g}" if a else "0"


def ticks(lo: float, hi: float, count: int = 5, *, whole: bool = False) -> list[float]:
    """Round tick values (1, 2 or 5 × 10^k apart, at least 1 if `whole`) covering [lo, hi]."""
    if hi <= lo:
        hi = lo + 1
    raw = (hi - lo) / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    step = max(step, 1) if whole else step
    start = math.floor(lo / step) * step
    return [start + i * step for i in range(math.ceil((hi - start) / step - 1e-9) + 1)]


@dataclass(frozen=True)
class _XLayout:
    """Where each x value goes, the band of one category, and the labelled ticks; on an axis
    of values, where any value goes (`at`) and the width of one unit of it (`unit`)."""

    xs: list[float]
    band: float
    labels: list[tuple[float, str]]
    at: Callable[[float], float] | None = None
    unit: float = 0.0


def svg(chart: Chart) -> Markup:
    """The chart as one `<svg>` element: axes with titles, grid, legend (always: it names what
    the marks are, even for one series), marks."""
    legend, rows = _legend([s.name for s in chart.series])
    top = TOP + LEGEND_ROW * rows
    lo, hi = _extent(chart)
    whole = all(float(v).is_integer() for s in chart.series for v in s.values if v is not None)
    y_ticks = ticks(lo, hi, whole=whole)
    y0, y1 = y_ticks[0], y_ticks[-1]
    plot_h = HEIGHT - top - BOTTOM

    def y(v: float) -> float:
        return top + plot_h * (1 - (v - y0) / (y1 - y0))

    layout = _x_layout(chart, WIDTH - LEFT - RIGHT)
    parts = [
        _partial(chart, layout, top),
        _y_axis(y_ticks, y, chart.y_title, top + plot_h / 2),
        x_axis(layout.labels, chart.x_title, LEFT),
        Markup(legend),
    ]
    if chart.kind == "line":
        drawn = [_line(chart, s, layout, y, _colour(i)) for i, s in enumerate(chart.series)]
    else:
        drawn = _bars(chart, layout, y)
    parts += [markup for markup, _ in drawn]
    return frame(chart.panel, chart.kind, sum(n for _, n in drawn), parts)


def frame(panel: str, kind: str, marks: int, parts: Iterable[Markup]) -> Markup:
    return Markup(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" role="img" '
        'class="chart" data-panel="{panel}" data-kind="{kind}" data-marks="{marks}">'
        "{body}</svg>"
    ).format(w=WIDTH, h=HEIGHT, panel=panel, kind=kind, marks=marks, body=Markup("").join(parts))


def _colour(i: int) -> str:
    return PALETTE[i % len(PALETTE)]


def _extent(chart: Chart) -> tuple[float, float]:
    """The y range to show: always 0, and the stacked sums for stacked bars."""
    if chart.stacked:
        columns = list(zip(*(s.values for s in chart.series), strict=True))
        up = [sum(v for v in c if v is not None and v > 0) for c in columns]
        down = [sum(v for v in c if v is not None and v < 0) for c in columns]
        return min([0.0, *down]), max([0.0, *up])
    values = [v for s in chart.series for v in s.values if v is not None]
    return min([0.0, *values]), max([0.0, *values])


def _key(v: object) -> float:
    return float(v.toordinal()) if isinstance(v, date) else float(v)  # type: ignore[arg-type]


def _x_layout(chart: Chart, plot_w: float) -> _XLayout:
    """Dates and numbers are placed by value, lines and bars alike, so the axis is dense: a
    day (or number) without a row keeps its place, as a gap in a line and an empty slot among
    bars, and spacing never lies. A bar is as wide as the smallest step between two x values
    (a day, a week, a bin). Ticks go on round values; names go one per position."""
    n = len(chart.x)
    band = plot_w / max(n, 1)
    by_value = all(isinstance(v, (date, int, float, Decimal)) for v in chart.x)
    if n > 1 and by_value:
        keys = [_key(v) for v in chart.x]
        lo, hi = min(keys), max(keys)
        if chart.kind == "bar":
            step = min(b - a for a, b in pairwise(sorted(set(keys))))
            band = plot_w * step / (hi - lo + step)
        start, inner = (LEFT + band / 2, plot_w - band) if chart.kind == "bar" else (LEFT, plot_w)

        def at(k: float) -> float:
            return start + inner * (k - lo) / ((hi - lo) or 1)

        if isinstance(chart.x[0], date) and n <= X_LABELS:
            labels = [(at(k), label(v)) for k, v in zip(keys, chart.x, strict=True)]
        elif isinstance(chart.x[0], date):
            marks = sorted({round(lo + (hi - lo) * i / (X_LABELS - 1)) for i in range(X_LABELS)})
            labels = [(at(k), date.fromordinal(k).isoformat()) for k in marks]
        else:
            whole = all(float(v).is_integer() for v in keys)
            labels = [(at(t), fmt(t)) for t in ticks(lo, hi, whole=whole) if lo <= t <= hi]
        return _XLayout([at(k) for k in keys], band, labels, at, inner / ((hi - lo) or 1))
    if chart.kind == "line" and n > 1:
        xs = [LEFT + plot_w * i / (n - 1) for i in range(n)]
    else:
        xs = [LEFT + band * (i + 0.5) for i in range(n)]
    every = max(1, math.ceil(n / X_LABELS))
    return _XLayout(xs, band, [(xs[i], label(chart.x[i])) for i in range(0, n, every)])


def _partial(chart: Chart, layout: _XLayout, top: float) -> Markup:
    """A shaded band, labelled, over the dates from `partial_from` on: their data is not all
    in yet, so a dip there is not a drop."""
    first = chart.partial_from
    if first is None or layout.at is None or not isinstance(chart.x[-1], date):
        return Markup("")
    if first > chart.x[-1]:
        return Markup("")
    x0 = max(LEFT, layout.at(first.toordinal()) - max(layout.unit / 2, PARTIAL_MIN / 2))
    return Markup(
        '<rect class="partial" x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}">'
        "<title>partial: data from {day} on is not complete yet</title></rect>"
        '<text class="partial-label" x="{tx:.1f}" y="{ty:.1f}" text-anchor="end">partial</text>'
    ).format(
        x=x0,
        y=top,
        w=WIDTH - RIGHT - x0,
        h=HEIGHT - BOTTOM - top,
        day=first.isoformat(),
        tx=WIDTH - RIGHT - 2,
        ty=top + 11,
    )


def _y_axis(y_ticks: list[float], y: Scale, title: str, middle: float) -> Markup:
    parts = [
        Markup(
            '<line class="grid" x1="{l}" x2="{r}" y1="{y:.1f}" y2="{y:.1f}"/>'
            '<text class="tick" x="{tx}" y="{y:.1f}" text-anchor="end" '
            'dominant-baseline="middle">{t}</text>'
        ).format(l=LEFT, r=WIDTH - RIGHT, y=y(t), tx=LEFT - 6, t=fmt(t))
        for t in y_ticks
    ]
    parts.append(vertical_title(title, middle))
    return Markup("").join(parts)


def vertical_title(title: str, middle: float) -> Markup:
    return Markup(
        '<text class="axis-title" transform="translate(16 {m:.1f}) rotate(-90)" '
        'text-anchor="middle">{t}</text>'
    ).format(m=middle, t=title)


def x_axis(
    labels: list[tuple[float, str]], title: str, left: float, right: float = WIDTH - RIGHT
) -> Markup:
    """Baseline, tick labels (long ones shortened, whole in a tooltip) and the title."""
    base = HEIGHT - BOTTOM
    parts = [
        Markup('<line class="axis" x1="{l}" x2="{r}" y1="{b}" y2="{b}"/>').format(
            l=left, r=right, b=base
        )
    ]
    parts += [
        Markup(
            '<text class="tick" x="{x:.1f}" y="{y}" text-anchor="middle">'
            "<title>{full}</title>{short}</text>"
        ).format(x=x, y=base + 16, full=text, short=short(text, LABEL_CHARS))
        for x, text in labels
    ]
    parts.append(
        Markup(
            '<text class="axis-title" x="{x:.1f}" y="{y}" text-anchor="middle">{t}</text>'
        ).format(x=(left + right) / 2, y=HEIGHT - 12, t=title)
    )
    return Markup("").join(parts)


def _bars(chart: Chart, layout: _XLayout, y: Scale) -> list[tuple[Markup, int]]:
    """Side by side within each band, or stacked (positives up from 0, negatives down)."""
    xs, band, n = layout.xs, layout.band, len(chart.series)
    width = band * 0.8 if chart.stacked else band * 0.8 / n
    up, down = [0.0] * len(xs), [0.0] * len(xs)
    out = []
    for i, s in enumerate(chart.series):
        rects = []
        for j, (x, xv, v) in enumerate(zip(xs, chart.x, s.values, strict=True)):
            if v is None:
                continue
            if chart.stacked:
                base = up[j] if v >= 0 else down[j]
                left = x - width / 2
                if v >= 0:
                    up[j] += v
                else:
                    down[j] += v
            else:
                base, left = 0.0, x - band * 0.4 + i * width
            y_a, y_b = y(base), y(base + v)
            rects.append(
                Markup(
                    '<rect class="mark" x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" '
                    'height="{h:.1f}" fill="{c}"><title>{tip}</title></rect>'
                ).format(
                    x=left,
                    y=min(y_a, y_b),
                    w=max(width, 0.5),
                    h=max(abs(y_a - y_b), 0.5),
                    c=_colour(i),
                    tip=_tip(s.name, xv, v),
                )
            )
        out.append((Markup("").join(rects), len(rects)))
    return out


def _line(chart: Chart, s: Series, layout: _XLayout, y: Scale, colour: str) -> tuple[Markup, int]:
    """A path through the series' points, and a dot with a tooltip on each unless there are too
    many to tell apart. The path breaks where two points are farther apart than 1.5 × the
    series' usual step: a gap (a missing day, say) is not drawn as if it had been measured."""
    points = [
        (x, y(v), xv, v)
        for x, xv, v in zip(layout.xs, chart.x, s.values, strict=True)
        if v is not None
    ]
    gaps = [round(b[0] - a[0], 1) for a, b in pairwise(points)]
    widest = 1.5 * Counter(gaps).most_common(1)[0][0] if gaps else 0.0
    path = " ".join(
        f"{'L' if i and gaps[i - 1] <= widest else 'M'}{px:.1f},{py:.1f}"
        for i, (px, py, *_) in enumerate(points)
    )
    line = Markup('<path class="line" d="{d}" stroke="{c}" data-points="{n}"/>').format(
        d=path, c=colour, n=len(points)
    )
    if len(points) > MAX_DOTS:
        return line, len(points)
    dots = [
        Markup(
            '<circle class="mark" cx="{x:.1f}" cy="{y:.1f}" r="2.5" fill="{c}">'
            "<title>{tip}</title></circle>"
        ).format(x=px, y=py, c=colour, tip=_tip(s.name, xv, v))
        for px, py, xv, v in points
    ]
    return line + Markup("").join(dots), len(points)


def _tip(name: str, x: object, v: float) -> str:
    return f"{name} · {label(x)}: {fmt(v)}"


def short(text: str, chars: int) -> str:
    return text if len(text) <= chars else text[: chars - 1] + "…"


def _legend(names: list[str]) -> tuple[Markup, int]:
    """Above the plot, in as many rows as it takes: a swatch and the series name each."""
    parts, x, row = [], LEFT, 0
    for i, full in enumerate(names):
        name = short(full, LEGEND_CHARS)
        width = 16 + 7 * len(name) + 14
        if x + width > WIDTH - RIGHT and x > LEFT:
            x, row = LEFT, row + 1
        parts.append(
            Markup(
                '<g class="legend-item"><title>{full}</title>'
                '<rect x="{x}" y="{ry}" width="11" height="11" fill="{c}"/>'
                '<text x="{tx}" y="{ty}">{name}</text></g>'
            ).format(
                full=full,
                x=x,
                ry=3 + LEGEND_ROW * row,
                c=_colour(i),
                tx=x + 15,
                ty=13 + LEGEND_ROW * row,
                name=name,
            )
        )
        x += width
    return Markup('<g class="legend">{}</g>').format(Markup("").join(parts)), row + 1
