"""`gamify status` and `gamify erase`: running the store in production (docs/operations.md)."""

from __future__ import annotations

import sys
from datetime import timedelta
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from gamify_analytics.cli.options import FormatOpt, ScheduleOpt, store
from gamify_analytics.cli.output import Format, emit, err
from gamify_analytics.errors import InputError
from gamify_analytics.names import STATUS_GRACE, STATUS_LAST_RUNS

if TYPE_CHECKING:
    from gamify_analytics.status import Status


class StatusFormat(StrEnum):
    table = "table"
    json = "json"
    prometheus = "prometheus"


def status_cmd(
    ctx: typer.Context,
    schedule: ScheduleOpt = None,
    last: Annotated[
        int, typer.Option("--last", min=1, help="Runs per job for durations and failures.")
    ] = STATUS_LAST_RUNS,
    grace: Annotated[
        float,
        typer.Option(
            "--grace", min=0, help="Seconds a scheduled run or a finalization may be late."
        ),
    ] = STATUS_GRACE.total_seconds(),
    fmt: Annotated[
        StatusFormat, typer.Option("--format", help="Output format.")
    ] = StatusFormat.table,
) -> None:
    """Health of the store for monitoring: jobs (last run, durations, failures, overdue against
    the schedule, backlog), ingest, freshness, skew, leaderboard finalization, erasures. Exits 1
    when a job is failing or overdue, a due leaderboard run is not finalized or an erasure did
    not finish; --format prometheus writes node_exporter textfile metrics."""
    from gamify_analytics import scheduler
    from gamify_analytics.cli import prometheus

    entries = scheduler.load_schedule(schedule)
    with store(ctx) as g:
        report = g.status(entries, last=last, grace=timedelta(seconds=grace))
    if fmt is StatusFormat.prometheus:
        sys.stdout.write(prometheus.render(report))
    elif fmt is StatusFormat.json:
        emit(report, Format.json)
    else:
        _tables(report)
    for alert in report.alerts:
        err.print(f"gamify: alert: {alert}", soft_wrap=True)
    if not report.healthy:
        raise typer.Exit(1)


_RUNS = ("job", "last_status", "last_as_of", "last_finished", "failures", "failing", "overdue")
_LOAD = (
    "job",
    "duration_p50_s",
    "duration_p95_s",
    "duration_p99_s",
    "backlog_events",
    "backlog_oldest_age_s",
)


def _tables(report: Status) -> None:
    """Each section as a table (the jobs' in two, to fit a terminal); the busiest users below
    the skew figures."""
    emit([{k: j[k] for k in _RUNS} for j in report.jobs], Format.table, title="jobs")
    emit([{k: j[k] for k in _LOAD} for j in report.jobs], Format.table, title="job durations (s)")
    if report.schedule:
        rows = [
            {**e, "jobs": " ".join(e["jobs"]), "late_jobs": " ".join(e["late_jobs"])}
            for e in report.schedule
        ]
        emit(rows, Format.table, title="schedule (UTC)")
    emit(report.ingest, Format.table, title="ingest")
    emit(report.freshness, Format.table, title="freshness")
    skew = {k: v for k, v in report.skew.items() if k != "top"}
    emit(skew, Format.table, title="skew")
    if report.skew["top"]:
        emit(report.skew["top"], Format.table, title="busiest users")
    if report.leaderboards:
        emit(report.leaderboards, Format.table, title="leaderboard finalization")
    erasures = {**report.erasures, "pending": len(report.erasures["pending"])}
    emit(erasures, Format.table, title="erasures")
    state = "healthy" if report.healthy else f"{len(report.alerts)} alert(s)"
    err.print(f"gamify: status: {state}")


def erase(
    ctx: typer.Context,
    user: Annotated[
        list[str] | None, typer.Option("--user", help="A user id to erase (repeatable).")
    ] = None,
    users_file: Annotated[
        Path | None, typer.Option("--users-file", help="A file of user ids, one per line.")
    ] = None,
    wait: Annotated[bool, typer.Option("--wait", help="Wait while a job is running.")] = False,
    fmt: FormatOpt = Format.table,
) -> None:
    """Remove every trace of users (the right to erasure): events, rejects, the users row,
    streaks, achievements, points, leaderboard standings and snapshots, dashboard builds.
    Final leaderboard runs that ranked them are ranked again and marked amended. Idempotent;
    a killed erase is finished by running it again with the same ids."""
    ids = list(user or []) + (_read_ids(users_file) if users_file else [])
    with store(ctx) as g:
        done = g.erase(ids, wait=wait)
    emit(done, fmt, title="erase")


def _read_ids(path: Path) -> list[str]:
    """One id per line, as written (only the line break is dropped); blank lines skipped."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(f"{path}: {e}") from None
    return [line for line in lines if line.strip()]
