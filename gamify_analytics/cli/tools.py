"""`gamify fixtures generate`, `gamify bench`, `gamify demo`: synthetic data, benchmarks and the
demo, none of which needs a config file."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Annotated

import typer

from gamify_analytics.cli.options import FormatOpt, State
from gamify_analytics.cli.output import Format, emit, err

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
            "job on it), crowd (one daily run with every user taking part)."
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
    result = run_demo(state.dsn, log=err.print)
    if fmt is not Format.table:  # one document for scripts
        doc = {
            "store": result.store,
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
    err.print("next: gamify streaks --user " + (top["user_id"][0] if top.height else "ID"))
