"""`gamify run`, `gamify scheduler`, `gamify jobs list|crontab`: the jobs and their schedule."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from typing import Annotated

import typer

from gamify_analytics.cli.options import FormatOpt, RunAsOfOpt, ScheduleOpt, State, as_of, store
from gamify_analytics.cli.output import Format, emit, err
from gamify_analytics.errors import StoreBusy
from gamify_analytics.names import JOBS

#: `scheduler.MISFIRE_GRACE`, the default of --misfire-grace, said in the help without
#: importing the scheduler (tests/test_cli.py checks they agree).
MISFIRE_GRACE_HELP = "15 minutes"

jobs_app = typer.Typer(no_args_is_help=True, help="The job schedule (jobs/schedule.toml).")


def run(
    ctx: typer.Context,
    jobs: Annotated[
        list[str] | None, typer.Argument(help=f"Jobs to run (default: all): {', '.join(JOBS)}.")
    ] = None,
    at: RunAsOfOpt = None,
    full: Annotated[bool, typer.Option(help="Recompute from scratch.")] = False,
    wait: Annotated[bool, typer.Option("--wait", help="Wait while a job is busy.")] = False,
    fmt: FormatOpt = Format.table,
) -> None:
    """Run jobs in dependency order: streaks, achievements, points, leaderboards, dashboards
    (all by default). --as-of defaults to now; it may not go back before a job's last run
    unless --full."""
    instant = as_of(at)
    if instant is not None and instant > datetime.now(UTC):
        err.print(
            f"gamify: note: --as-of {at} is in the future: the jobs compute provisional "
            "state as of it, leaderboard runs still finalize only once the wall clock reaches "
            "their finalization time, and later runs need an --as-of at least as late (or "
            "--full)",
            soft_wrap=True,
        )
    with store(ctx) as g:
        emit(g.run(jobs, as_of=instant, full=full, wait=wait), fmt, title="jobs")


@jobs_app.command("list")
def jobs_list(
    ctx: typer.Context, schedule: ScheduleOpt = None, fmt: FormatOpt = Format.table
) -> None:
    """Each entry: cron (UTC), jobs, description, last run of its last job, next fire."""
    from gamify_analytics import scheduler

    entries = scheduler.load_schedule(schedule)
    with store(ctx) as g:
        try:
            last = scheduler.last_runs(g.reader, entries)
        except StoreBusy as e:
            err.print(f"gamify: {e}; last runs not shown")
            last = {}
    rows = scheduler.listing(entries, last)
    if fmt is not Format.json:
        rows = [{**r, "jobs": " ".join(r["jobs"])} for r in rows]
    emit(rows, fmt, title="schedule (UTC)")


@jobs_app.command("crontab")
def jobs_crontab(
    ctx: typer.Context, schedule: ScheduleOpt = None, fmt: FormatOpt = Format.table
) -> None:
    """The schedule as crontab lines running `gamify run JOB…` (json/csv: one record each)."""
    from gamify_analytics import config as config_mod
    from gamify_analytics import scheduler

    entries = scheduler.load_schedule(schedule)
    g = store(ctx)  # resolves the config and DSN; opens nothing
    state: State = ctx.obj
    config = state.config or config_mod.locate()
    rows = scheduler.crontab_lines(entries, dsn=g.dsn, config=config)
    planned = sorted(
        {j for e in entries for j in e.jobs} - {j for e in entries for j in e.runnable()}
    )
    if planned:
        err.print(f"note: job(s) {', '.join(planned)} are not available yet")
    if fmt is Format.table:
        sys.stdout.write(scheduler.crontab(rows, scheduler.schedule_path(schedule)))
    else:
        emit([{k: r[k] for k in ("name", "cron", "command", "description")} for r in rows], fmt)


def scheduler_cmd(
    ctx: typer.Context,
    schedule: ScheduleOpt = None,
    misfire_grace: Annotated[
        int | None,
        typer.Option(
            "--misfire-grace",
            min=0,
            help=f"Seconds a late fire may still run (default: {MISFIRE_GRACE_HELP}).",
        ),
    ] = None,
) -> None:
    """Run the schedule (APScheduler, UTC) until SIGTERM or Ctrl-C; logs one line per run."""
    from gamify_analytics import scheduler

    entries = scheduler.load_schedule(schedule)
    g = store(ctx)
    grace = scheduler.MISFIRE_GRACE if misfire_grace is None else misfire_grace
    scheduler.serve(g.config, g.dsn, entries, misfire_grace=grace)
