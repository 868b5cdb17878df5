"""`gamify jobs list|crontab` and `gamify scheduler`: parse, call scheduler.py, print."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from gamify_analytics import scheduler
from gamify_analytics.api import DEFAULT_CONFIG
from gamify_analytics.cli_store import OPTIONS, store
from gamify_analytics.engines import StoreError
from gamify_analytics.jobs import busy_store
from gamify_analytics.output import Format, emit, err

jobs_app = typer.Typer(no_args_is_help=True, help="The job schedule (jobs/schedule.toml).")

ScheduleOpt = Annotated[
    Path | None,
    typer.Option(
        "--schedule", envvar="GAMIFY_SCHEDULE", help="Schedule file (default: jobs/schedule.toml)."
    ),
]
FormatOpt = Annotated[Format, typer.Option("--format", help="Output format.")]


@jobs_app.command("list")
def jobs_list(schedule: ScheduleOpt = None, fmt: FormatOpt = Format.table) -> None:
    """Each entry: cron (UTC), jobs, description, last run of its last job, next fire."""
    entries = scheduler.load_schedule(schedule)
    with store() as g:
        try:
            g.init()
            last = scheduler.last_runs(g.engine, entries)
        except StoreError as e:
            if not busy_store(e):
                raise
            err.print(f"gamify: {e}; last runs not shown", markup=False, highlight=False)
            last = {}
    rows = scheduler.listing(entries, last)
    if fmt is not Format.json:
        rows = [{**r, "jobs": " ".join(r["jobs"])} for r in rows]
    emit(rows, fmt, title="schedule (UTC)")


@jobs_app.command("crontab")
def jobs_crontab(schedule: ScheduleOpt = None, fmt: FormatOpt = Format.table) -> None:
    """The schedule as crontab lines running `gamify run JOB…` (json/csv: one record each)."""
    entries = scheduler.load_schedule(schedule)
    g = store()  # resolves the config and DSN; opens nothing
    config: Path | None = OPTIONS.get("config")  # type: ignore[assignment]
    if config is None and DEFAULT_CONFIG.is_file():
        config = DEFAULT_CONFIG
    rows = scheduler.crontab_lines(entries, dsn=g.dsn, config=config)
    planned = sorted(
        {j for e in entries for j in e.jobs} - {j for e in entries for j in e.runnable()}
    )
    if planned:
        err.print(f"note: job(s) {', '.join(planned)} are not available yet", highlight=False)
    if fmt is Format.table:
        sys.stdout.write(scheduler.crontab(rows, scheduler.schedule_path(schedule)))
    else:
        emit([{k: r[k] for k in ("name", "cron", "command", "description")} for r in rows], fmt)


def scheduler_cmd(
    schedule: ScheduleOpt = None,
    misfire_grace: Annotated[
        int, typer.Option("--misfire-grace", min=0, help="Seconds a late fire may still run.")
    ] = scheduler.MISFIRE_GRACE,
) -> None:
    """Run the schedule (APScheduler, UTC) until SIGTERM or Ctrl-C; logs one line per run."""
    entries = scheduler.load_schedule(schedule)
    g = store()
    scheduler.serve(g.config, g.dsn, entries, misfire_grace=misfire_grace)
