"""`gamify`: parse, call the API, print. No logic lives here."""

from __future__ import annotations

import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Annotated

import polars as pl
import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from gamify_analytics.cli_dashboards import dashboard_cmd
from gamify_analytics.cli_jobs import jobs_app, scheduler_cmd
from gamify_analytics.cli_report import report_cmd, verify_cmd
from gamify_analytics.cli_store import OPTIONS, STORE_TIMEOUT, store
from gamify_analytics.config import ConfigError
from gamify_analytics.engines import StoreError
from gamify_analytics.ingest.readers import InputError
from gamify_analytics.output import Format, emit, err

app = typer.Typer(no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)
fixtures_app = typer.Typer(no_args_is_help=True, help="Synthetic data.")
app.add_typer(fixtures_app, name="fixtures")
app.add_typer(jobs_app, name="jobs")
app.command("scheduler")(scheduler_cmd)
app.command("dashboard")(dashboard_cmd)
app.command("report")(report_cmd)
app.command("verify")(verify_cmd)

ConfigOpt = Annotated[
    Path | None, typer.Option("--config", envvar="GAMIFY_CONFIG", help="Config file.")
]
DsnOpt = Annotated[str | None, typer.Option("--dsn", envvar="GAMIFY_DSN", help="Store DSN.")]
FormatOpt = Annotated[Format, typer.Option("--format", help="Output format.")]

StoreTimeoutOpt = Annotated[
    float,
    typer.Option(
        "--store-timeout",
        envvar="GAMIFY_STORE_TIMEOUT",
        min=0,
        help="Seconds to wait for a store another process is using (0: fail at once).",
    ),
]


@app.callback()
def main(
    config: ConfigOpt = None, dsn: DsnOpt = None, store_timeout: StoreTimeoutOpt = STORE_TIMEOUT
) -> None:
    """Streaks, achievements, points, leaderboards and dashboards from raw events."""
    OPTIONS.update(config=config, dsn=dsn, store_timeout=store_timeout)


def run() -> None:
    """Console entry point: one-line errors, non-zero exit codes."""
    try:
        app(standalone_mode=False)
    except (ConfigError, StoreError, InputError) as e:
        err.print(f"gamify: error: {e}", markup=False, highlight=False, soft_wrap=True)
        sys.exit(1)
    except typer.Abort:
        sys.exit(130)
    except Exception as e:
        # usage errors and exits of typer's bundled click carry their own exit codes
        if hasattr(e, "show") and hasattr(e, "exit_code"):
            e.show()
            sys.exit(e.exit_code)
        if type(e).__name__ == "Exit" and hasattr(e, "exit_code"):
            sys.exit(e.exit_code)
        err.print(f"gamify: error: {type(e).__name__}: {e}", markup=False, highlight=False)
        sys.exit(1)


@app.command()
def init() -> None:
    """Create or migrate the schema (idempotent)."""
    with store() as g:
        applied = g.init()
        err.print(f"schema at {g.dsn}: {len(applied)} migration(s) applied", highlight=False)


@app.command()
def ingest(
    files: Annotated[list[Path], typer.Argument(help="Event files (CSV, NDJSON, Parquet).")],
    users: Annotated[Path | None, typer.Option("--users", help="Users file.")] = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Load events (and users); prints accepted, duplicates and rejected by reason."""
    with store() as g, _progress() as progress:
        task = progress.add_task("ingest", total=None)
        summary = g.ingest(files, users, progress=lambda _f, n: progress.advance(task, n))
    emit(summary.as_dict(), fmt, title="ingest")


def _as_of(value: str | None) -> datetime | None:
    """`--as-of`: ISO-8601 with an offset (a local time without one is ambiguous)."""
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not ISO-8601", param_hint="--as-of") from None
    if parsed.tzinfo is None:
        raise typer.BadParameter(
            f"{value!r} has no UTC offset (add Z or +HH:MM)", param_hint="--as-of"
        )
    return parsed


AsOfOpt = Annotated[str | None, typer.Option("--as-of", help="ISO-8601 instant with offset.")]


@app.command("run")
def run_jobs(
    jobs: Annotated[list[str] | None, typer.Argument(help="Jobs to run (default: all).")] = None,
    as_of: AsOfOpt = None,
    full: Annotated[bool, typer.Option(help="Recompute from scratch.")] = False,
    wait: Annotated[bool, typer.Option("--wait", help="Wait while a job is busy.")] = False,
    fmt: FormatOpt = Format.table,
) -> None:
    """Run jobs in dependency order: streaks, achievements, points, leaderboards, dashboards
    (all by default). --as-of defaults to now; it may not go back before a job's last run
    unless --full."""
    instant = _as_of(as_of)
    if instant is not None and instant > datetime.now(UTC):
        err.print(
            f"gamify: note: --as-of {as_of} is in the future: the jobs compute provisional "
            "state as of it, leaderboard runs still finalize only once the wall clock reaches "
            "their finalization time, and later runs need an --as-of at least as late (or "
            "--full)",
            highlight=False,
            soft_wrap=True,
        )
    with store() as g:
        emit(g.run(jobs, as_of=instant, full=full, wait=wait), fmt, title="jobs")


@app.command("streaks")
def streaks_cmd(
    user: Annotated[str | None, typer.Option("--user", help="One user.")] = None,
    streak: Annotated[str | None, typer.Option("--streak", help="One streak key.")] = None,
    as_of: AsOfOpt = None,
    history: Annotated[bool, typer.Option(help="Per-period history instead.")] = False,
    fmt: FormatOpt = Format.table,
) -> None:
    """Streak state per user: length, longest, started, last period, freezes, status, expiry."""
    with store() as g:
        g.init()
        if history:
            emit(g.streak_history(streak, user=user, as_of=_as_of(as_of)), fmt, title="history")
        else:
            emit(g.streaks(streak, user=user, as_of=_as_of(as_of)), fmt, title="streaks")


@app.command("achievements")
def achievements_cmd(
    user: Annotated[str | None, typer.Option("--user", help="One user.")] = None,
    rarity: Annotated[bool, typer.Option(help="Completions and rarity per achievement.")] = False,
    fmt: FormatOpt = Format.table,
) -> None:
    """Completions (user_id, achievement, achieved_at, backdated), as the last job run stored."""
    with store() as g:
        g.init()
        if rarity:
            emit(g.rarity(), fmt, title="rarity")
        else:
            emit(g.achievements(user=user), fmt, title="achievements")


@app.command("points")
def points_cmd(
    user: Annotated[str | None, typer.Option("--user", help="One user.")] = None,
    ledger: Annotated[bool, typer.Option(help="The award ledger instead of totals.")] = False,
    system: Annotated[str | None, typer.Option("--system", help="One points system.")] = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Totals and levels per user and system (user_id, system, total, level), or the ledger."""
    with store() as g:
        g.init()
        if ledger:
            emit(g.ledger(system, user=user), fmt, title="ledger")
        else:
            frame = g.points(user=user)
            if system:
                frame = frame.filter(frame["system"] == system)
            emit(frame, fmt, title="points")


@app.command("leaderboard")
def leaderboard_cmd(
    key: Annotated[str, typer.Argument(help="Leaderboard key.")],
    run: Annotated[str | None, typer.Option("--run", help="Run date (default: today's).")] = None,
    group: Annotated[str, typer.Option("--group", help="Breakdown group.")] = "",
    as_of: AsOfOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Standings of one run: {leaderboard, run, status, entries: [{rank, user_id, score}]}."""
    with store() as g:
        g.init()
        doc = g.leaderboard(key, _date(run, "--run"), group, _as_of(as_of))
    if fmt is Format.json:
        emit(doc, fmt)
        return
    title = f"{doc['leaderboard']} {doc['run']} ({doc['status']}, {doc['late']} late)"
    emit(pl.DataFrame(doc["entries"], schema=ENTRY_SCHEMA), fmt, title=title)


ENTRY_SCHEMA = {
    "rank": pl.Int64,
    "user_id": pl.String,
    "score": pl.Decimal(38, 6),
    "previous_rank": pl.Int64,
    "previous_score": pl.Decimal(38, 6),
}


def _date(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(
            f"{value!r} is not a date (YYYY-MM-DD)", param_hint=option
        ) from None


@app.command()
def rejects(
    limit: Annotated[int, typer.Option(help="Rows to show.")] = 100, fmt: FormatOpt = Format.table
) -> None:
    """Rejected input rows with file, line, field and reason."""
    with store() as g:
        g.init()
        emit(g.rejects(limit), fmt, title="rejects")


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
    from gamify_analytics.fixtures import generate, generate_parquet, write

    if out.suffix == ".parquet" and not (duplicates or malformed):
        paths = generate_parquet(users, days, out, seed=seed)
    else:
        events, user_frame = generate(
            users, days, seed=seed, duplicates=duplicates, malformed=malformed
        )
        paths = write(events, user_frame, out)
    err.print(f"wrote {paths[0]} and {paths[1]}", highlight=False)


@app.command()
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


@app.command()
def demo(fmt: FormatOpt = Format.table) -> None:
    """End to end on the embedded default store, from nothing."""
    from gamify_analytics.demo import demo_files, load_demo_config

    err.print("generating demo data (2,000 users, 60 days)…", highlight=False)
    events_path, users_path = demo_files()
    with store(load_demo_config()) as g:
        summary = g.ingest([events_path], users_path)
        jobs = g.run()
        err.print(f"store: {g.dsn}", highlight=False)
        stored = dict(g.counts().iter_rows())
        top = g.streaks().sort("length", "longest", descending=True).head(5)
        rarity = g.rarity()
        leaders = g.points().sort("total", "user_id", descending=[True, False]).head(5)
        board = g.leaderboard("daily_xp", run=date.today() - timedelta(days=2))
    if fmt is not Format.table:  # one document for scripts
        doc = {
            "store": g.dsn,
            "ingest": summary.as_dict(),
            "jobs": jobs,
            "stored_rows": stored,
            "top_streaks": top.to_dicts(),
            "achievements": rarity.to_dicts(),
            "top_points": leaders.to_dicts(),
            "leaderboard": {**board, "entries": board["entries"][:5]},
        }
        emit(doc, fmt, title="demo")
        return
    emit(summary.as_dict(), fmt, title=f"ingest into {g.dsn}")
    emit(jobs, fmt, title="jobs")
    emit(top, fmt, title="longest current streaks")
    emit(rarity, fmt, title="achievements")
    emit(leaders, fmt, title="most points")
    title = f"leaderboard {board['leaderboard']} {board['run']} ({board['status']})"
    emit(pl.DataFrame(board["entries"][:5], schema=ENTRY_SCHEMA), fmt, title=title)
    err.print(
        "next: gamify streaks --user " + (top["user_id"][0] if top.height else "ID"),
        highlight=False,
    )


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
