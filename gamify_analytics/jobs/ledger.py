"""The run ledger (`job_runs`): one row per state change of a run, and what it says about a
job's last successful run (docs/jobs.md)."""

from __future__ import annotations

import time
from datetime import datetime

import polars as pl

from gamify_analytics.engines import Engine


def record(
    engine: Engine,
    run_id: str,
    job: str,
    as_of: datetime,
    started: datetime,
    status: str,
    rows: int = 0,
    error: str = "",
    finished: datetime | None = None,
    *,
    watermark_us: int | None = None,
    detail: str = "",
) -> None:
    """One state of a run. `watermark_us`: the ingest watermark it started from (events
    ingested after it are still to process); `detail`: what a run that is not a job was about
    (an erasure's hash)."""
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
                "watermark_us": [watermark_us],
                "detail": [detail],
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
                "watermark_us": pl.Int64,
                "detail": pl.String,
            },
        ),
    )


def last_as_of(engine: Engine, names: list[str]) -> dict[str, datetime]:
    """Per job of `names` that has run, the as-of of its latest successful run."""
    frame = engine.query("jobs/last_as_of", {"jobs": names})
    return dict(zip(frame["job"].to_list(), frame["as_of"].to_list(), strict=True))
