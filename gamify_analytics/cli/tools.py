"""`gamify fixtures generate`, `gamify bench`, `gamify demo`: synthetic data, benchmarks and the
demo, none of which needs a config file."""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from gamify_analytics.cli.options import FormatOpt, State
from gamify_analytics.cli.output import Format, emit, err

if TYPE_CHECKING:
    from gamify_analytics.demo import Steps

fixtures_app = typer.Typer(no_args_is_help=True, help="Synthetic data.")


@fixtures_app.command("generate")
def fixtures_generate(
    users: Annotated[int, typer.Option("--users", min=1)],
    days: Annotated[int, typer.Option("--days", min=1)],
    out: Annotated[Path, typer.Option("--out", help="events file: .parquet, .csv or .ndjson")],
    seed: int = 0,
    duplicates: Annotated[float, typer.Option(min=0.0, max=1.0)] = 0.0,
    malformed: Annotated[float, typer.Option(min=0.0, max=1.0)] = 0.0,
) -> None:
    """Realistic synthetic events and users (Zipf activity, 30+ zones, travellers)."""
    from gamify_analytics.synthetic import generate, generate_parquet, write

    if out.suffix == ".parquet" and not (duplicates or malformed):
        paths = generate_parquet(users, days, out, seed=seed)
    else:
        events, user_frame = generate(
            users, days, seed=seed, duplicates=duplicates, malformed=malformed
        )
        paths = write(events, user_frame, out)
    err.print(f"wrote {paths[0]} and {paths[1]}")


def bench(
    users: Annotated[int, typer.Option(help="Users in the generated data.")] = 1_000_000,
    days: Annotated[int, typer.Option(help="Days of history.")] = 365,
    events: Annotated[int, typer.Option(help="Events in all.")] = 100_000_000,
    record: Annotated[bool, typer.Option(help="Append the results to BENCHMARKS.md.")] = False,
    workdir: Annotated[Path, typer.Option(help="Scratch directory.")] = Path("bench-data"),
    section: Annotated[
        list[str] | None,
        typer.Option(
            help="Run only this section (repeatable): history (the generated store and every "
            "job on it), crowd (one daily run with every user taking part), ingest (the "
            "history file beside a bare insert of it, again, and as CSV and NDJSON)."
        ),
    ] = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """The benchmark suite, both engines in one run."""
    from gamify_analytics.bench import SECTIONS, run_benchmarks

    unknown = sorted(set(section or ()) - set(SECTIONS))
    if unknown:
        raise typer.BadParameter(f"unknown section {unknown[0]!r}; one of: {', '.join(SECTIONS)}")
    rows = run_benchmarks(
        users=users,
        days=days,
        events=events,
        workdir=workdir,
        record=record,
        log=err.print,
        sections=tuple(section or SECTIONS),
    )
    emit(rows, fmt, title="bench")


def demo(ctx: typer.Context, fmt: FormatOpt = Format.table) -> None:
    """End to end on the embedded default store, from nothing."""
    from gamify_analytics.demo import run_demo

    state: State = ctx.obj
    with _steps() as steps:
        result = run_demo(state.dsn, steps)
    if fmt is not Format.table:  # one document for scripts
        doc = {
            "store": result.store,
            "config": result.config,
            "ingest": result.ingest.as_dict(),
            "jobs": [dataclasses.asdict(j) for j in result.jobs],
            "stored_rows": result.stored_rows,
            "top_streaks": result.top_streaks.to_dicts(),
            "achievements": result.achievements.to_dicts(),
            "top_points": result.top_points.to_dicts(),
            "leaderboard": dataclasses.asdict(result.leaderboard),
        }
        emit(doc, fmt, title="demo")
        return
    board = result.leaderboard
    emit(result.ingest.as_dict(), fmt, title=f"ingest into {result.store}")
    emit(result.jobs, fmt, title="jobs")
    emit(result.top_streaks, fmt, title="longest current streaks")
    emit(result.achievements, fmt, title="achievements")
    emit(result.top_points, fmt, title="most points")
    title = f"leaderboard {board.leaderboard} {board.run} ({board.status})"
    emit(board.frame(), fmt, title=title)
    top = result.top_streaks
    user = top["user_id"][0] if top.height else "ID"
    err.print(f"next: gamify --config {result.config} streaks --user {user}")
    err.print(f"  or: gamify --config {result.config} report --out report.html")


@contextmanager
def _steps() -> Iterator[Steps]:
    """The demo's steps on stderr: a progress bar each on a terminal (the one running now
    moves, finished ones stay ticked off), else one line each; stdout keeps only the results."""
    if not sys.stderr.isatty():

        def line(description: str, _total: int | None) -> Callable[[int], None]:
            err.print(f"{description}…")
            return lambda _done: None

        yield line
        return
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        SpinnerColumn,
        TaskID,
        TextColumn,
        TimeElapsedColumn,
    )

    with Progress(
        SpinnerColumn(finished_text="✓"),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
    ) as progress:
        running: dict[TaskID, int] = {}

        def finish() -> None:
            for task, total in running.items():
                progress.update(task, total=total, completed=total)
            running.clear()

        def step(description: str, total: int | None) -> Callable[[int], None]:
            finish()
            task = progress.add_task(description, total=total)
            running[task] = total or 1
            return lambda done: progress.advance(task, done)

        yield step
        finish()
