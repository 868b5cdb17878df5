"""Jobs (§9): run in dependency order, one ledger row per state change of a run."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime

import polars as pl

from gamify_analytics import achievements, points, streaks
from gamify_analytics.config import Config, ConfigError
from gamify_analytics.engines import Engine

JobFn = Callable[..., int]
#: Dependency order: later jobs read what earlier ones store.
JOBS: dict[str, JobFn] = {
    "streaks": streaks.run_job,
    "achievements": achievements.run_job,
    "points": points.run_job,
}


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
) -> list[dict]:
    """Run `names` (default all) in dependency order; returns one summary per job."""
    unknown = [n for n in names or [] if n not in JOBS]
    if unknown:
        raise ConfigError(f"unknown job(s) {', '.join(unknown)} (jobs: {', '.join(JOBS)})")
    as_of = (as_of or datetime.now(UTC)).astimezone(UTC)
    results = []
    for name, fn in JOBS.items():
        if names and name not in names:
            continue
        run_id = uuid.uuid4().hex
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
