"""Jobs: run in dependency order, one ledger row per state change of a run, and one run
of a job at a time (docs/jobs.md).

A run claims each of its jobs in the store's `job_locks` table before running any of them: it
writes a claim (job, run_id, host, pid, claimed_at), reads the live claims, and holds a job only
if its own claim is the earliest live one (by claimed_at, then run_id); otherwise it withdraws
every claim and the run is refused (`JobBusy`, naming the holder) or, with `wait`, tried again
until the job is free. Claims are released when the run ends, whatever the outcome. A claim is
stale (ignored) once released, when its host is this host and its process is gone, or when it is
older than the lock TTL.

Claim then read is not atomic, so two claimers could each miss the other's claim. Where only
one process can open the store (embedded ClickHouse, DuckDB) claims are made under a
process-wide mutex, which makes it atomic. On a server a claimer waits `settle` seconds between
writing its claim and reading the claims, and gives up (and retries) when its own write took
more than half of that: a claim earlier than ours was then visible before we read.
"""

from __future__ import annotations

import os
import random
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext, suppress
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TypeVar

import polars as pl

from gamify_analytics import achievements, dashboards, leaderboards, points, streaks
from gamify_analytics.config import Config, ConfigError
from gamify_analytics.engines import Engine, StoreError, naive_utc

JobFn = Callable[..., int]
#: Dependency order: later jobs read what earlier ones store.
JOBS: dict[str, JobFn] = {
    "streaks": streaks.run_job,
    "achievements": achievements.run_job,
    "points": points.run_job,
    "leaderboards": leaderboards.run_job,
    "dashboards": dashboards.run_job,
}

#: A claim older than this is stale even if its process looks alive (a run must finish within
#: it). `GAMIFY_LOCK_TTL` (seconds) overrides it.
LOCK_TTL = timedelta(hours=6)
#: How long `wait` waits for a busy job by default, and how often it looks again.
WAIT_TIMEOUT = 3600.0
POLL_SECONDS = 1.0
#: On a server: seconds between writing a claim and reading the claims (see the module doc).
SETTLE_SECONDS = 0.5
#: Claims are kept this long (DuckDB prunes them; ClickHouse expires them by TTL).
KEEP_CLAIMS = timedelta(days=7)

HOST = socket.gethostname()
_CLAIMING = threading.Lock()
T = TypeVar("T")


class JobBusy(StoreError):
    """Another live run holds a job (or, waiting, still did at the timeout)."""

    def __init__(self, message: str, holder: Claim | None = None):
        super().__init__(message)
        self.holder = holder


@dataclass(frozen=True)
class Claim:
    job: str
    run_id: str
    host: str
    pid: int
    claimed_at: datetime

    def describe(self) -> str:
        return (
            f"job {self.job!r} is already running: run {self.run_id} "
            f"on host {self.host} (pid {self.pid}) since {_iso(self.claimed_at)}"
        )


class AsOfRefused(StoreError):
    """A run whose as-of is earlier than a job's last run, without `full`."""


def refuse_going_back(engine: Engine, names: list[str], as_of: datetime) -> None:
    """Jobs only move forward in time: their state is carried from one run to the next, so a
    run as of an earlier instant than a job's last run would undo work that later runs do not
    redo (docs/jobs.md "Time travel"). Refused unless it recomputes (`full`)."""
    frame = engine.query("jobs/last_as_of", {"jobs": names})
    last = dict(zip(frame["job"].to_list(), frame["as_of"].to_list(), strict=True))
    for name in names:
        if name in last and as_of < last[name]:
            raise AsOfRefused(
                f"as-of {_iso(as_of)} is before the last run of job {name!r} (as of "
                f"{_iso(last[name])}): jobs only move forward in time; --full recomputes "
                "from scratch as of an earlier instant"
            )


def _iso(t: datetime) -> str:
    return t.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def lock_ttl() -> timedelta:
    value = os.environ.get("GAMIFY_LOCK_TTL")
    if not value:
        return LOCK_TTL
    try:
        return timedelta(seconds=float(value))
    except ValueError:
        raise ConfigError(f"GAMIFY_LOCK_TTL: {value!r} is not a number of seconds") from None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    except OverflowError:
        return False
    return True


def write_claim(
    engine: Engine,
    job: str,
    run_id: str,
    claimed_at: datetime,
    *,
    released: bool = False,
    host: str | None = None,
    pid: int | None = None,
) -> None:
    """Store a claim on `job` by `run_id` (by this process unless told), or its release."""
    engine.execute(
        "jobs/lock_claim",
        {
            "job": job,
            "run_id": run_id,
            "host": host or HOST,
            "pid": os.getpid() if pid is None else pid,
            "claimed_at": naive_utc(claimed_at),
            "released": int(released),
            "version": time.time_ns(),
        },
    )


def live_claims(
    engine: Engine, jobs: list[str], *, ttl: timedelta | None = None, now: datetime | None = None
) -> list[Claim]:
    """The live claims on `jobs`, earliest first per job: the first of a job holds it."""
    now = now or datetime.now(UTC)
    since = now - (ttl if ttl is not None else lock_ttl())
    frame = engine.query("jobs/lock_claims", {"jobs": list(jobs), "since": naive_utc(since)})
    claims = []
    for row in frame.iter_rows(named=True):
        if row["host"] == HOST and row["pid"] != os.getpid() and not _alive(row["pid"]):
            continue
        claims.append(
            Claim(row["job"], row["run_id"], row["host"], int(row["pid"]), row["claimed_at"])
        )
    return claims


def claim(
    engine: Engine,
    run_ids: dict[str, str],
    *,
    ttl: timedelta | None = None,
    settle: float | None = None,
) -> datetime:
    """Hold every job of `run_ids` (job → run_id) or none: raises JobBusy naming a holder.
    Returns the claims' time (for `release`)."""
    if settle is None:
        settle = SETTLE_SECONDS if engine.concurrent_writers else 0.0
    with _CLAIMING if not settle else nullcontext():
        started = time.monotonic()
        claimed_at = datetime.now(UTC)
        for job, run_id in run_ids.items():
            write_claim(engine, job, run_id, claimed_at)
        took = time.monotonic() - started
        if settle:
            time.sleep(settle)
        claims = live_claims(engine, list(run_ids), ttl=ttl)
    first: dict[str, Claim] = {}
    for c in claims:
        first.setdefault(c.job, c)
    holders = [first[j] for j in run_ids if j in first and first[j].run_id != run_ids[j]]
    if holders or (settle and took > settle / 2) or len(first) < len(run_ids):
        release(engine, run_ids, claimed_at)
        if holders:
            raise JobBusy(holders[0].describe(), holders[0])
        raise JobBusy(
            f"could not claim job(s) {', '.join(run_ids)}: the claim took {took:.3f} s to "
            "store (longer than half the settle time); try again"
        )
    return claimed_at


def release(engine: Engine, run_ids: dict[str, str], claimed_at: datetime | None = None) -> None:
    """Release (or withdraw) the claims of `run_ids`."""
    claimed_at = claimed_at or datetime.now(UTC)
    for job, run_id in run_ids.items():
        write_claim(engine, job, run_id, claimed_at, released=True)
    if engine.kind == "duckdb":
        engine.execute("jobs/lock_prune", {"before": naive_utc(datetime.now(UTC) - KEEP_CLAIMS)})


def busy_store(error: StoreError) -> bool:
    """Whether `error` says the store is held by another process (so waiting may help)."""
    return isinstance(error, JobBusy) or "in use by another process" in str(error)


def retry_busy(
    attempt: Callable[[], T],
    *,
    timeout: float = WAIT_TIMEOUT,
    poll: float = POLL_SECONDS,
    between: Callable[[], None] | None = None,
) -> T:
    """`attempt()` until it is not refused as busy (JobBusy, or a store held by another
    process); `between()` runs before each pause. After `timeout` seconds the last refusal is
    raised, saying how long it waited."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return attempt()
        except StoreError as e:
            if not busy_store(e):
                raise
            if time.monotonic() >= deadline:
                text = f"{e} (still after waiting {timeout:g} s)"
                if isinstance(e, JobBusy):
                    raise JobBusy(text, e.holder) from None
                raise StoreError(text) from None
            if between is not None:
                between()
            pause = min(poll * random.uniform(0.75, 1.25), deadline - time.monotonic())
            time.sleep(max(pause, 0.0))


@contextmanager
def locked(
    engine: Engine,
    run_ids: dict[str, str],
    *,
    wait: bool = False,
    timeout: float = WAIT_TIMEOUT,
    ttl: timedelta | None = None,
    settle: float | None = None,
    poll: float = POLL_SECONDS,
) -> Iterator[None]:
    """Hold the jobs of `run_ids` for the block; with `wait`, wait for them first."""

    def attempt() -> datetime:
        return claim(engine, run_ids, ttl=ttl, settle=settle)

    claimed_at = retry_busy(attempt, timeout=timeout, poll=poll) if wait else attempt()
    try:
        yield
    except BaseException:
        with suppress(Exception):  # the run's own error is the one to report
            release(engine, run_ids, claimed_at)
        raise
    release(engine, run_ids, claimed_at)


def _ledger(
    engine: Engine,
    run_id: str,
    job: str,
    as_of: datetime,
    started: datetime,
    status: str,
    rows: int = 0,
    error: str = "",
    finished: datetime | None = None,
) -> None:
    engine.insert(
        "job_runs",
        pl.DataFrame(
            {
                "run_id": [run_id],
                "job": [job],
                "as_of": [as_of],
                "started": [started],
                "finished": [finished],
                "status": [status],
                "rows": [rows],
                "error": [error],
                "version": [time.time_ns()],
            },
            schema={
                "run_id": pl.String,
                "job": pl.String,
                "as_of": pl.Datetime("ms", "UTC"),
                "started": pl.Datetime("ms", "UTC"),
                "finished": pl.Datetime("ms", "UTC"),
                "status": pl.String,
                "rows": pl.UInt64,
                "error": pl.String,
                "version": pl.UInt64,
            },
        ),
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
) -> list[dict]:
    """Run `names` (default all) in dependency order; returns one summary per job.

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
            _ledger(engine, run_id, name, as_of, started, "running")
            t0 = time.perf_counter()
            try:
                rows = fn(engine, config, as_of, full=full)
            except Exception as e:
                _ledger(
                    engine,
                    run_id,
                    name,
                    as_of,
                    started,
                    "failed",
                    error=str(e)[:2000],
                    finished=datetime.now(UTC),
                )
                raise
            _ledger(engine, run_id, name, as_of, started, "ok", rows, finished=datetime.now(UTC))
            results.append(
                {
                    "job": name,
                    "as_of": as_of,
                    "status": "ok",
                    "rows": rows,
                    "seconds": round(time.perf_counter() - t0, 3),
                }
            )
    return results
