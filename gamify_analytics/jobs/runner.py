"""Running jobs: in dependency order, each claimed first (one run of a job at a time), each
state change in the ledger, and never back in time without `full` (docs/jobs.md)."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial

from gamify_analytics import (
    achievements,
    dashboards,
    leaderboards,
    points,
    streaks,
    text,
    watermarks,
)
from gamify_analytics.config import Config, ConfigError
from gamify_analytics.engines import Engine, StoreError
from gamify_analytics.jobs import ledger
from gamify_analytics.jobs.locks import WAIT_TIMEOUT, locked
from gamify_analytics.names import JOBS as ORDER
from gamify_analytics.records import Record

JobFn = Callable[..., int]
#: In dependency order (`names.JOBS`): later jobs read what earlier ones store.
JOBS: dict[str, JobFn] = dict(
    zip(
        ORDER,
        (
            streaks.run_job,
            achievements.run_job,
            points.run_job,
            leaderboards.run_job,
            dashboards.run_job,
        ),
        strict=True,
    )
)


@dataclass(frozen=True)
class JobResult(Record):
    """What one job of a run did."""

    job: str
    as_of: datetime
    status: str
    rows: int
    seconds: float


class AsOfRefused(StoreError):
    """A run whose as-of is earlier than a job's last run, without `full`."""


def refuse_going_back(engine: Engine, names: list[str], as_of: datetime) -> None:
    """Jobs only move forward in time: their state is carried from one run to the next, so a
    run as of an earlier instant than a job's last run would undo work that later runs do not
    redo (docs/jobs.md "Time travel"). Refused unless it recomputes (`full`)."""
    last = ledger.last_as_of(engine, names)
    for name in names:
        if name in last and as_of < last[name]:
            raise AsOfRefused(
                f"as-of {text.instant(as_of)} is before the last run of job {name!r} (as of "
                f"{text.instant(last[name])}): jobs only move forward in time; --full recomputes "
                "from scratch as of an earlier instant"
            )


def run(
    engine: Engine,
    config: Config,
    names: list[str] | None = None,
    *,
    as_of: datetime | None = None,
    full: bool = False,
    wait: bool = False,
    timeout: float = WAIT_TIMEOUT,
    ttl: timedelta | None = None,
) -> list[JobResult]:
    """Run `names` (default all) in dependency order; returns what each job did.

    Every job of the run is claimed first (all or none): if another live run holds one, raises
    JobBusy naming it, or with `wait` polls until they are all free (JobBusy after `timeout`
    seconds). The claims are released when the run ends, whatever the outcome."""
    unknown = [n for n in names or [] if n not in JOBS]
    if unknown:
        raise ConfigError(f"unknown job(s) {', '.join(unknown)} (jobs: {', '.join(JOBS)})")
    selected = [n for n in JOBS if not names or n in names]
    run_ids = {name: uuid.uuid4().hex for name in selected}
    results = []
    with locked(engine, run_ids, wait=wait, timeout=timeout, ttl=ttl):
        as_of = (as_of or datetime.now(UTC)).astimezone(UTC)
        if not full:
            refuse_going_back(engine, selected, as_of)
        for name in selected:
            fn = JOBS[name]
            run_id = run_ids[name]
            started = datetime.now(UTC)
            # what the job finds ingested by now, it processes (`gamify status`: its backlog)
            mark = watermarks.watermark_us(engine)
            record = partial(ledger.record, engine, run_id, name, as_of, started, watermark_us=mark)
            record("running")
            t0 = time.perf_counter()
            try:
                rows = fn(engine, config, as_of, full=full)
            except Exception as e:
                record("failed", error=str(e)[:2000], finished=datetime.now(UTC))
                raise
            record("ok", rows, finished=datetime.now(UTC))
            seconds = round(time.perf_counter() - t0, 3)
            results.append(JobResult(name, as_of, "ok", rows, seconds))
    return results
