"""`gamify dashboard NAME`, `gamify report`, `gamify verify`: the dashboards, the HTML report,
and the drift check of the stored aggregates.

Formats: `table` prints every panel (or `--panel`) one after another; `json` prints one document
`{dashboard, filters, panels: {panel: [rows]}}` (filters with the range actually used); `csv`
prints one panel, so a dashboard with several needs `--panel`; `parquet` writes files and needs
`--out`: a `.parquet` file when one panel is chosen, else a directory that gets
`<dashboard>_<panel>.parquet` per panel. With `--out`, json and csv go to that file too.
"""

from __future__ import annotations

import random
import sys
from collections.abc import Iterator
from contextlib import contextmanager, redirect_stdout
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from gamify_analytics.cli.options import AttrOpt, FormatOpt, FromOpt, MetricOpt, ToOpt, store
from gamify_analytics.cli.output import Format, emit, err
from gamify_analytics.cli.reads import said_as_of
from gamify_analytics.names import DASHBOARDS

if TYPE_CHECKING:
    import polars as pl

    from gamify_analytics.dashboards import Filters


class DashboardFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    parquet = "parquet"


def filters_from(
    date_from: datetime | None, date_to: datetime | None, metric: str | None, attr: list[str] | None
) -> Filters:
    """The dashboard filters of the `--from/--to/--metric/--attr` options."""
    from gamify_analytics.dashboards import Filters

    return Filters(
        date_from=date_from.date() if date_from else None,
        date_to=date_to.date() if date_to else None,
        metric=metric,
        attributes=tuple(_pair(a) for a in attr or ()),
    )


def _pair(value: str) -> tuple[str, str]:
    """`KEY=VALUE` (the value may itself hold `=`)."""
    key, sep, val = value.partition("=")
    if not sep or not key:
        raise typer.BadParameter(f"{value!r} is not KEY=VALUE", param_hint="--attr")
    return key, val


def dashboard(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help=f"One of: {', '.join(DASHBOARDS)}.")],
    date_from: FromOpt = None,
    date_to: ToOpt = None,
    metric: MetricOpt = None,
    attr: AttrOpt = None,
    panel: Annotated[str | None, typer.Option("--panel", help="Only this panel.")] = None,
    fmt: Annotated[
        DashboardFormat, typer.Option("--format", help="Output format.")
    ] = DashboardFormat.table,
    out: Annotated[Path | None, typer.Option("--out", help="Write to this file (or dir).")] = None,
) -> None:
    """A dashboard's panels: overview, retention, engagement, streaks, achievements,
    points, leaderboards (as of the last dashboards run; json: an as_of field)."""
    from gamify_analytics.dashboards import PANELS, resolve

    if fmt is DashboardFormat.parquet and out is None:
        raise typer.BadParameter("parquet needs --out", param_hint="--out")
    if fmt is DashboardFormat.table and out is not None:
        raise typer.BadParameter("--out needs --format json, csv or parquet", param_hint="--out")
    wanted = [panel] if panel else None
    if fmt is DashboardFormat.csv and panel is None and len(PANELS.get(name, {})) > 1:
        raise typer.BadParameter(
            f"csv prints one panel: pass --panel ({', '.join(PANELS[name])})", param_hint="--panel"
        )
    with store(ctx) as g:
        instant = g.read_as_of("dashboards")
        filters = filters_from(date_from, date_to, metric, attr)
        frames = g.dashboard(name, filters, panels=wanted)
        used = resolve(g.reader, g.config, filters)
    if fmt is not DashboardFormat.json:
        said_as_of(instant, "dashboards")
    if fmt is DashboardFormat.parquet:
        assert out is not None
        for path in _write_parquet(name, frames, out):
            err.print(f"wrote {path}")
        return
    with _output(out):
        if fmt is DashboardFormat.json:
            panels = {p: f.to_dicts() for p, f in frames.items()}
            doc = {"dashboard": name, "filters": used.as_dict(), "panels": panels, "as_of": instant}
            emit(doc, Format.json)
        else:
            for p, frame in frames.items():
                emit(frame, Format(fmt.value), title=f"{name}.{p}")


@contextmanager
def _output(out: Path | None) -> Iterator[None]:
    """Print to stdout, or to the `--out` file."""
    if out is None:
        yield
        return
    with out.open("w", encoding="utf-8") as f, redirect_stdout(f):
        yield


def _write_parquet(name: str, frames: dict[str, pl.DataFrame], out: Path) -> list[Path]:
    """One panel to a `.parquet` path, or every panel into the directory `out`."""
    if len(frames) == 1 and out.suffix == ".parquet":
        paths = {p: out for p in frames}
    else:
        out.mkdir(parents=True, exist_ok=True)
        paths = {p: out / f"{name}_{p}.parquet" for p in frames}
    for p, frame in frames.items():
        frame.write_parquet(paths[p])
    return list(paths.values())


def report(
    ctx: typer.Context,
    out: Annotated[Path, typer.Option("--out", help="The HTML file to write.")],
    date_from: FromOpt = None,
    date_to: ToOpt = None,
    metric: MetricOpt = None,
    attr: AttrOpt = None,
) -> None:
    """One self-contained HTML page: a chart for every dashboard panel, filtered, as of the
    last dashboards run."""
    with store(ctx) as g:
        instant = g.read_as_of("dashboards")
        path = g.report(out, filters_from(date_from, date_to, metric, attr))
    said_as_of(instant, "dashboards")
    err.print(f"wrote {path}")


def verify(
    ctx: typer.Context,
    sample: Annotated[
        int, typer.Option("--sample", min=1, help="Keys (and users) to check.")
    ] = 1000,
    seed: Annotated[int | None, typer.Option("--seed", help="Repeat a sample.")] = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Recompute a random sample of stored aggregates from raw events; exit 1 on any drift."""
    if seed is None:
        seed = random.randrange(2**32)
        err.print(f"sample seed {seed} (--seed {seed} repeats it)")
    with store(ctx) as g:
        checks = g.verify(sample, seed)
    emit(checks, fmt, title="verify")
    drifted = [f"{c.check} ({c.drifted})" for c in checks if c.drifted]
    if drifted:
        err.print(f"gamify: drift found: {', '.join(drifted)}")
        sys.exit(1)
