"""`gamify init`, `gamify ingest`, `gamify rejects`: the store and what goes into it."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from gamify_analytics.cli.options import FormatOpt, State, store
from gamify_analytics.cli.output import Format, emit, err, note
from gamify_analytics.errors import ConfigError, InputError

if TYPE_CHECKING:
    from rich.progress import Progress

    from gamify_analytics.ingest.load import IngestSummary


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
    from gamify_analytics import config as config_mod

    if example:
        state: State = ctx.obj
        path = state.config or config_mod.DEFAULT_PATH
        if path.exists():
            raise ConfigError(f"{path}: already exists; --example writes a new config only")
        path.write_text(config_mod.starter(), encoding="utf-8")
        err.print(f"wrote {path}: a starter config to edit (docs/configuration.md, docs/guide.md)")
    with store(ctx) as g:
        applied = g.init()
        err.print(f"schema at {g.dsn}: {len(applied)} migration(s) applied")


def ingest(
    ctx: typer.Context,
    files: Annotated[list[Path], typer.Argument(help="Event files (CSV, NDJSON, Parquet).")],
    users: Annotated[Path | None, typer.Option("--users", help="Users file.")] = None,
    allow_rejects: Annotated[
        bool,
        typer.Option("--allow-rejects", help="Exit 0 even when every row of a file is rejected."),
    ] = False,
    fmt: FormatOpt = Format.table,
) -> None:
    """Load events (and users); prints accepted, duplicates and rejected by reason. Exits 1
    when every row of a file was rejected (unless --allow-rejects)."""
    with store(ctx) as g, _progress() as progress:
        task = progress.add_task("ingest", total=None, rate="")

        def advance(_file: str, rows: int) -> None:
            progress.advance(task, rows)
            speed = next(t.speed for t in progress.tasks if t.id == task)
            progress.update(task, rate=f"{speed:,.0f} rows/s" if speed else "")

        summary = g.ingest(files, users, progress=advance)
    emit(summary.as_dict(), fmt, title="ingest")
    _warn(summary)
    if summary.all_rejected and not allow_rejects:
        raise InputError(_all_rejected(summary))


def _warn(summary: IngestSummary) -> None:
    """What the summary's numbers alone would not make anyone look at."""
    if summary.utc_fallback:
        note(
            f"warning: {summary.utc_fallback} event(s) had no tz and their user no zone from a "
            "users file: their local dates are UTC dates (add a tz column, or --users FILE "
            "with a tz per user)"
        )
    if summary.rejected or summary.users_rejected:
        note("`gamify rejects` lists the rejected rows with the value at fault")


def _all_rejected(summary: IngestSummary) -> str:
    first, *others = summary.all_rejected
    more = f" (and {len(others)} more such file(s))" if others else ""
    return (
        f"{first}: every row was rejected{more}: is it the file the config describes? "
        "`gamify rejects` says why; --allow-rejects accepts it"
    )


def rejects(
    ctx: typer.Context,
    limit: Annotated[int, typer.Option(help="Rows to show.")] = 100,
    duplicates: Annotated[
        bool,
        typer.Option(
            "--duplicates",
            help="The duplicate events instead: file, line and (user_id, metric, event_id).",
        ),
    ] = False,
    fmt: FormatOpt = Format.table,
) -> None:
    """Rejected input rows with file, line, field, reason (quoting the value) and raw text."""
    with store(ctx) as g:
        if duplicates:
            emit(g.duplicates(limit), fmt, title="duplicates")
        else:
            emit(g.rejects(limit), fmt, title="rejects")


def _progress() -> Progress:
    """Rows read so far, how fast, and for how long (on a terminal only)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]}"),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=not sys.stderr.isatty(),
    )
