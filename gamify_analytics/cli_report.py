"""`gamify report` (the HTML report) and `gamify verify` (drift of the stored aggregates):
parse, call the API, print."""

from __future__ import annotations

import random
import sys
from pathlib import Path
from typing import Annotated

import typer

from gamify_analytics.cli_dashboards import AttrOpt, FromOpt, MetricOpt, ToOpt, filters_from
from gamify_analytics.cli_store import store
from gamify_analytics.output import Format, emit, err


def report_cmd(
    out: Annotated[Path, typer.Option("--out", help="The HTML file to write.")],
    date_from: FromOpt = None,
    date_to: ToOpt = None,
    metric: MetricOpt = None,
    attr: AttrOpt = None,
) -> None:
    """One self-contained HTML page: a chart for every dashboard panel, filtered."""
    with store() as g:
        path = g.report(out, filters_from(date_from, date_to, metric, attr))
    err.print(f"wrote {path}", highlight=False)


def verify_cmd(
    sample: Annotated[
        int, typer.Option("--sample", min=1, help="Keys (and users) to check.")
    ] = 1000,
    seed: Annotated[int | None, typer.Option("--seed", help="Repeat a sample.")] = None,
    fmt: Annotated[Format, typer.Option("--format", help="Output format.")] = Format.table,
) -> None:
    """Recompute a random sample of stored aggregates from raw events; exit 1 on any drift."""
    if seed is None:
        seed = random.randrange(2**32)
        err.print(f"sample seed {seed} (--seed {seed} repeats it)", highlight=False)
    with store() as g:
        rows = g.verify(sample, seed)
    emit(rows, fmt, title="verify")
    drifted = [f"{r['check']} ({r['drifted']})" for r in rows if r["drifted"]]
    if drifted:
        err.print(f"gamify: drift found: {', '.join(drifted)}", markup=False, highlight=False)
        sys.exit(1)
