"""What each job has processed, and the store's own marks: the bookkeeping every job shares
(docs/achievements.md, docs/jobs.md).

A run processes the events it has not seen: ingested since the previous run's watermark, or
fallen due since its as-of. It writes its rows under the next sequence number and commits that
number (with its as-of and watermark) last, so a crashed run is redone with the same inputs
and rewrites the same rows. A job reads another job's results from its tables, and which of
them are committed from that job's state here: never from the other job's code.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from gamify_analytics.config import Streak
from gamify_analytics.engines import Engine, naive_utc

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
#: Each job's committed state in the store's `meta` table.
ACHIEVEMENTS = "achievements_job"
POINTS = "points_job"
LEADERBOARDS = "leaderboards_job"
#: A new value before and after every ingest writes (dashboards' rollups compare it).
STORE_VERSION = "store_version"
#: A new value before and after an ingest writes users (attribute rollups compare it).
USERS_VERSION = "users_version"
#: The newest event instant stored, in epoch milliseconds.
MAX_EVENT_TS = "max_event_ts_ms"
#: On a server, rows ingested this long before the previous run's watermark are looked at
#: again: an insert in flight when the watermark was read may commit with an earlier
#: `ingested_at`. Stores held by one process have nothing in flight (margin 0).
INFLIGHT_MARGIN = timedelta(minutes=10)
#: A full recompute goes through users in ranges of about this many events, so its memory
#: stays bounded whatever the history (peak memory <= 8 GB).
EVENTS_PER_BUCKET = 10_000_000


@dataclass
class Run:
    """One run of a job: what it may read (`committed`) and what it writes (`seq`)."""

    meta_key: str
    as_of: datetime
    committed: int
    watermark: datetime
    #: Everything is evaluated from scratch (first run, --full, an as-of moved back).
    fresh: bool
    previous: dict[str, Any]
    state: dict[str, Any] = field(default_factory=dict)
    previous_as_of: datetime = EPOCH
    since: datetime = EPOCH

    @property
    def seq(self) -> int:
        return self.committed + 1

    def params(self) -> dict[str, Any]:
        """The new-events window as bound parameters (naive UTC, as the engines store it)."""
        return {
            "as_of": naive_utc(self.as_of),
            "since": naive_utc(self.since),
            "previous_as_of": naive_utc(self.previous_as_of),
            "seq": self.seq,
            "committed": self.committed,
        }

    def commit(self, engine: Engine) -> None:
        # `rebuilt`: the last run that wrote every output afresh; outputs read since an older
        # one cannot be updated from the rows numbered after it (dashboard_rollups.py)
        rebuilt = self.seq if self.fresh else int(self.previous.get("rebuilt", 0))
        state = {
            **self.state,
            "seq": self.seq,
            "rebuilt": rebuilt,
            "as_of": self.as_of.isoformat(),
            "watermark": self.watermark.isoformat(),
        }
        engine.execute("admin/set_meta", {"key": self.meta_key, "value": json.dumps(state)})


def job_state(engine: Engine, meta_key: str) -> dict[str, Any]:
    """A job's committed state in `meta` ({} before its first run)."""
    return json.loads(engine.scalar("admin/get_meta", {"key": meta_key}) or "null") or {}


def committed_seq(engine: Engine, meta_key: str) -> int:
    """The sequence number of the job's last committed run (0 before the first): its rows
    numbered up to it are final, later ones belong to a run that has not committed."""
    return int(job_state(engine, meta_key).get("seq", 0))


def points_rebuilt(engine: Engine, system: str) -> int:
    """The committed points run that last wrote `system`'s ledger afresh (0 if none did):
    every row of the ledger then has a number at least that high, so "rows of a run after N"
    means "rows new since N" only for N at least that high."""
    state = job_state(engine, POINTS)
    return int(state.get("systems", {}).get(system, {}).get("rebuilt", 0))


#: What a stored chain means: a new number when it changes, so chains stored by an earlier
#: version are recomputed (2: ordinals counted in days since 1970-01-01).
CHAIN_FORMAT = 2


def rules_fingerprint(item: Any) -> str:
    """Identifies a streak's rules (and the stored chain's format): chains stored under other
    rules are recomputed."""
    return hashlib.sha256(repr((CHAIN_FORMAT, item)).encode()).hexdigest()[:16]


def streak_key(streak: Streak) -> str:
    return f"streaks_job:{streak.key}"


def streak_state(engine: Engine, streak: Streak) -> dict[str, str] | None:
    """What the last streaks job run recorded for `streak` (fingerprint, as-of, watermark);
    None if it never ran or ran under other rules."""
    state = json.loads(engine.scalar("admin/get_meta", {"key": streak_key(streak)}) or "null")
    if not state or state["fingerprint"] != rules_fingerprint(streak):
        return None
    return state


def streak_as_of(engine: Engine, streak: Streak) -> datetime | None:
    """The as-of of the chains the streaks job stored for `streak` (None if none, or if they
    were computed under other rules)."""
    state = streak_state(engine, streak)
    return datetime.fromisoformat(state["as_of"]) if state else None


def events_after(engine: Engine, as_of: datetime) -> bool:
    """Whether events later than `as_of` may be stored: only then do some per-day aggregates
    straddle it, and their raw events must be read."""
    latest = engine.scalar("admin/get_meta", {"key": MAX_EVENT_TS})
    return latest is None or int(latest) > int(as_of.timestamp() * 1000)


def record_latest_event(engine: Engine, latest_ms: int) -> None:
    """Keep the latest stored event instant (readers as of T skip raw events when none is
    later than T)."""
    known = engine.scalar("admin/get_meta", {"key": MAX_EVENT_TS})
    if known is None or int(known) < latest_ms:
        engine.execute("admin/set_meta", {"key": MAX_EVENT_TS, "value": str(latest_ms)})


def mark_changed(engine: Engine, key: str = STORE_VERSION) -> None:
    """A new store version (`key`: or users version), before and after an ingest writes (its
    users): a dashboard rollup built from the store as it was (docs/dashboards.md) no longer
    matches it, even if the ingest is cut short, or its rollup was built while it wrote. An
    attribute filter may select other users on every day, not only on days of new events."""
    engine.execute("admin/set_meta", {"key": key, "value": uuid.uuid4().hex})


def begin(engine: Engine, meta_key: str, as_of: datetime, full: bool) -> Run:
    previous = job_state(engine, meta_key)
    committed = int(previous.get("seq", 0))
    last_as_of = datetime.fromisoformat(previous["as_of"]) if previous else None
    fresh = full or last_as_of is None or as_of < last_as_of or bool(previous.get("full"))
    if full and previous and not previous.get("full"):
        # a recompute clears outputs before it writes them again: said first, so that if it
        # is killed the next run, even without `full`, recomputes too (tests/test_faults.py)
        value = json.dumps({**previous, "full": True})
        engine.execute("admin/set_meta", {"key": meta_key, "value": value})
    run = Run(meta_key, as_of, committed, watermark(engine), fresh, previous)
    if not fresh:
        run.previous_as_of = last_as_of
        run.since = datetime.fromisoformat(previous["watermark"])
    return run


def watermark_us(engine: Engine) -> int:
    """The newest `ingested_at`, exactly, in microseconds since the epoch (0 when empty): rows
    ingested after it are new to the next run, so it must not be rounded down."""
    return int(engine.scalar("jobs/watermark") or 0)


def watermark(engine: Engine) -> datetime:
    return EPOCH + timedelta(microseconds=watermark_us(engine))


def clear(engine: Engine, table: str, column: str, value: Any, value_type: str = "String") -> None:
    """Delete the rows of one key before it is evaluated afresh. Looks first: a delete on
    embedded ClickHouse visits every partition even when nothing matches."""
    where = {"table_ident": table, "column_ident": column, "value_type": value_type}
    if engine.scalar("admin/any_rows", {"value": value}, **where):
        engine.execute("admin/delete_rows", {"value": value}, **where)


def buckets(engine: Engine, fresh: bool) -> list[dict[str, Any]]:
    """Parameters for each pass over the users: one pass for an incremental run (its new
    events are few), ranges of user ids of about EVENTS_PER_BUCKET events for a full one. A
    range of the tables' leading key reads only its own part of them; `bucketed` names the
    bounds a range has (the first has no lower one, the last no upper one)."""
    events = int(engine.scalar("jobs/count_events") or 0) if fresh else 0
    n = -(-events // EVENTS_PER_BUCKET)
    if n <= 1:
        return [{"bucketed": (), "params": {}}]
    starts = engine.query("jobs/bucket_starts", {"per": -(-events // n)})
    bounds: list[str | None] = [None, *starts.get_column("user_id").to_list(), None]
    out = []
    for lo, hi in itertools.pairwise(bounds):
        params = {"bucket_lo": lo, "bucket_hi": hi}
        out.append(
            {
                "bucketed": tuple(k for k in ("lo", "hi") if params[f"bucket_{k}"] is not None),
                "params": {k: v for k, v in params.items() if v is not None},
            }
        )
    return out


def fingerprint(*parts: Any) -> str:
    """Identifies a definition: state computed under another one is recomputed."""
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:16]


def new_events_ctx(fresh: bool, metrics: list[str] | None = None, filters=()) -> tuple[dict, dict]:
    """Template context and parameters of `jobs/_new_events.sql`."""
    params: dict[str, Any] = {}
    names = []
    for i, (k, v) in enumerate(filters):
        params[f"f{i}_key"], params[f"f{i}_value"] = k, v
        names.append((f"f{i}_key", f"f{i}_value"))
    if metrics is not None:
        params["metrics"] = metrics
    ctx = {"fresh": fresh, "metric_list": metrics is not None, "filters": names}
    return ctx, params


def new_metrics(engine: Engine, window: dict[str, Any]) -> set[str]:
    """The metrics of the events new to a run (`window`: its `as_of`, `since` and
    `previous_as_of`; `jobs/_new_events.sql`). Empty: nothing new, so a job skips the
    statements that would find nothing to do (a no-op run stays cheap at any history size)."""
    ctx, params = new_events_ctx(False)
    frame = engine.query("jobs/new_metrics", {**window, **params}, **ctx)
    return set(frame.get_column("metric").to_list())
