"""One run of a job at a time (docs/jobs.md).

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
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext, suppress
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from gamify_analytics import text
from gamify_analytics.engines import Engine, StoreBusy, naive_utc, retry_busy
from gamify_analytics.errors import ConfigError

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


class JobBusy(StoreBusy):
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
            f"on host {self.host} (pid {self.pid}) since {text.instant(self.claimed_at)}"
        )


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
    if not engine.expires_rows:
        engine.execute("jobs/lock_prune", {"before": naive_utc(datetime.now(UTC) - KEEP_CLAIMS)})


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
