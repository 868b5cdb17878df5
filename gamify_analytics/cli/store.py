"""`gamify init`, `gamify ingest`, `gamify rejects`: the store and what goes into it."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from gamify_analytics import config as config_mod
from gamify_analytics.cli.options import FormatOpt, State, store
from gamify_analytics.cli.output import Format, emit, err
from gamify_analytics.errors import ConfigError


def init(
    ctx: typer.Context,
    example: Annotated[
        bool,
        typer.Option(
            "--example", help="First write a commented starter config (./gamify.toml or --config)."
        ),
    ] = False,
) -> None:
    """Create or migrate the schema (idempotent)."""
    if example:
        state: State = ctx.obj
        path = state.config or config_mod.DEFAULT_PATH
        if path.exists():
            raise ConfigError(f"{path}: already exists; --example writes a new config only")
        path.write_text(config_mod.starter(), encoding="utf-8")
        err.print(f"wrote {path}: a starter config to edit (docs/configuration.md)")
    with store(ctx) as g:
        applied = g.init()
        err.print(f"schema at {g.dsn}: {len(applied)} migration(s) applied")


def ingest(
    ctx: typer.Context,
    files: Annotated[list[Path], typer.Argument(help="Event files (CSV, NDJSON, Parquet).")],
    users: Annotated[Path | None, typer.Option("--users", help="Users file.")] = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Load events (and users); prints accepted, duplicates and rejected by reason."""
    with store(ctx) as g, _progress() as progress:
        task = progress.add_task("ingest", total=None)
        summary = g.ingest(files, users, progress=lambda _f, n: progress.advance(task, n))
    emit(summary.as_dict(), fmt, title="ingest")


def rejects(
    ctx: typer.Context,
    limit: Annotated[int, typer.Option(help="Rows to show.")] = 100,
    fmt: FormatOpt = Format.table,
) -> None:
    """Rejected input rows with file, line, field and reason."""
    with store(ctx) as g:
        emit(g.rejects(limit), fmt, title="rejects")


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=not sys.stderr.isatty(),
    )
