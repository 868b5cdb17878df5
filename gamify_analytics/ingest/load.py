"""`gamify ingest`: files → validated batches → deduplicated events, users and rejects, and
which rows were duplicates (the `duplicates` table)."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from gamify_analytics import watermarks
from gamify_analytics.config import Config
from gamify_analytics.engines import Engine
from gamify_analytics.engines.schema import ensure_zone_days
from gamify_analytics.ingest import validate
from gamify_analytics.ingest.dedup import KEY, Dedup
from gamify_analytics.ingest.prefetch import prefetch
from gamify_analytics.ingest.readers import (
    BATCH_ROWS,
    EVENT_FIELDS,
    USER_FIELDS,
    read_batches,
)

Progress = Callable[[str, int], None]


@dataclass
class IngestSummary:
    """What a load did: the CLI prints it, the API returns it."""

    files: list[str] = field(default_factory=list)
    accepted: int = 0
    duplicates: int = 0
    rejected: Counter[str] = field(default_factory=Counter)
    users_accepted: int = 0
    users_rejected: Counter[str] = field(default_factory=Counter)
    #: accepted events with no tz whose user had no zone either: counted in UTC
    utc_fallback: int = 0
    #: files with rows of which every one was rejected (most likely the wrong file or config)
    all_rejected: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def as_dict(self) -> dict:
        return {
            "files": self.files,
            "accepted": self.accepted,
            "duplicates": self.duplicates,
            "rejected": sum(self.rejected.values()),
            "rejected_by_reason": dict(sorted(self.rejected.items())),
            "users_accepted": self.users_accepted,
            "users_rejected": sum(self.users_rejected.values()),
            "users_rejected_by_reason": dict(sorted(self.users_rejected.items())),
            "utc_fallback": self.utc_fallback,
            "all_rejected": self.all_rejected,
            "seconds": round(self.seconds, 3),
        }


def ingest(
    engine: Engine,
    config: Config,
    files: Iterable[str | Path],
    *,
    users: str | Path | None = None,
    now_ms: int | None = None,
    batch_rows: int = BATCH_ROWS,
    progress: Progress | None = None,
) -> IngestSummary:
    """Load a users file (first, so its zones apply) and event files, batch by batch."""
    started = time.perf_counter()
    now_ms = now_ms if now_ms is not None else int(time.time() * 1000)
    summary = IngestSummary()
    watermarks.mark_changed(engine)
    if users is not None:
        path = Path(users)
        summary.files.append(str(path))
        rows = rejected = 0
        watermarks.mark_changed(engine, watermarks.USERS_VERSION)
        for batch in read_batches(path, USER_FIELDS, batch_rows):
            good, bad = validate.users(batch, source=str(path), fields=USER_FIELDS)
            engine.insert_users(good)
            _keep_rejects(engine, bad, summary.users_rejected)
            summary.users_accepted += good.height
            rows, rejected = rows + batch.height, rejected + bad.height
            if progress:
                progress(str(path), batch.height)
        watermarks.mark_changed(engine, watermarks.USERS_VERSION)
        _all_rejected(summary, path, rows, rejected)
    metrics = frozenset(config.metrics)
    dedup = Dedup(engine)
    # the engine is used by one thread at a time: this one storing, or the prefetching one
    # looking up users' zones
    engine_lock = threading.Lock()

    def validated(path: Path) -> Iterator[tuple[int, pl.DataFrame, pl.DataFrame]]:
        for batch in read_batches(path, EVENT_FIELDS, batch_rows):
            with engine_lock:
                user_tz = _user_timezones(engine, batch)
            good, bad = validate.events(
                batch,
                source=str(path),
                metrics=metrics,
                user_tz=user_tz,
                now_ms=now_ms,
                fields=EVENT_FIELDS,
            )
            yield batch.height, good, bad

    for f in files:
        path = Path(f)
        summary.files.append(str(path))
        rows = rejected = 0
        for height, good, bad in prefetch(validated(path)):
            with engine_lock:
                _store(engine, dedup, good, bad, str(path), summary)
            rows, rejected = rows + height, rejected + bad.height
            if progress:
                progress(str(path), height)
        _all_rejected(summary, path, rows, rejected)
    watermarks.mark_changed(engine)
    summary.seconds = time.perf_counter() - started
    return summary


def _store(
    engine: Engine,
    dedup: Dedup,
    good: pl.DataFrame,
    bad: pl.DataFrame,
    source: str,
    summary: IngestSummary,
) -> None:
    """Store a validated batch: its new events, which rows were duplicates, its rejects."""
    new = dedup.new_events(good)
    if new.height:
        # recorded before the events it covers: an ingest killed in between leaves it too
        # high (harmless), never too low, which its re-run (seeing those events as
        # duplicates) would not repair (tests/test_faults.py)
        batch_latest = new.get_column("ts").max().timestamp() * 1000  # type: ignore[union-attr]
        watermarks.record_latest_event(engine, int(batch_latest))
    ensure_zone_days(engine, new.get_column("tz").unique().to_list())
    engine.insert_events(new.select(validate.EVENT_COLUMNS))
    dedup.stored()
    engine.insert_duplicates(_duplicates(good, new, source))
    _keep_rejects(engine, bad, summary.rejected)
    summary.accepted += new.height
    summary.duplicates += good.height - new.height
    summary.utc_fallback += int(new.get_column("_utc_fallback").sum())


def _keep_rejects(engine: Engine, bad: pl.DataFrame, counts: Counter[str]) -> None:
    """Store rejects (their reasons quote the values) and count them by cause."""
    engine.insert_rejects(bad.select(validate.REJECT_COLUMNS))
    counts.update(bad.get_column("cause").to_list())


def _all_rejected(summary: IngestSummary, path: Path, rows: int, rejected: int) -> None:
    if rows and rejected == rows:
        summary.all_rejected.append(str(path))


def _duplicates(good: pl.DataFrame, new: pl.DataFrame, source: str) -> pl.DataFrame:
    """The good rows of a batch that were not stored: repeats of an event stored before or
    earlier in the batch."""
    stored = new.get_column("_line").implode()
    return good.filter(~pl.col("_line").is_in(stored)).select(
        pl.lit(source).alias("source"), pl.col("_line").alias("line"), *KEY
    )


def _user_timezones(engine: Engine, batch: pl.DataFrame) -> pl.DataFrame:
    """Stored zones of the users whose rows carry no tz (usually none, so usually no query)."""
    ids = batch.filter(pl.col("tz").is_null()).get_column("user_id").drop_nulls().unique()
    if not ids.len():
        return pl.DataFrame(schema={"user_id": pl.String, "tz": pl.String})
    found = engine.query("ingest/user_timezones", {"user_ids": ids.cast(pl.String).to_list()})
    return found.select(pl.col("user_id").cast(pl.String), pl.col("tz").cast(pl.String))
