"""The `leaderboards` job: finalize every run that is due, keep snapshots of the runs reads
will ask for, and count late contributions (docs/leaderboards.md "Finalization")."""

from __future__ import annotations

import json
import time
from datetime import UTC, date, datetime, timedelta

import polars as pl

from gamify_analytics import periods, watermarks
from gamify_analytics.config import Config, Leaderboard
from gamify_analytics.engines import Engine, naive_utc
from gamify_analytics.leaderboards import runs
from gamify_analytics.leaderboards.runs import (
    Facts,
    bind_run,
    due,
    facts_of,
    from_us,
    run_states,
    snapshot_top,
    top_of,
)

META_KEY = watermarks.LEADERBOARDS
#: A late contribution reopens nothing; candidate runs are looked for this far before the
#: latest final run (older runs without a status row had no contribution when they fell due).
LOOKBACK = timedelta(days=62)
#: A snapshot keeps this many times `max_participants` rows, so that reads stay exact while
#: some of its users change between two job runs (docs/leaderboards.md).
SNAPSHOT_FACTOR = 2


def finalize_run(
    engine: Engine, config: Config, board: Leaderboard, key: date, as_of: datetime
) -> int:
    """Store a run's final standings (every group), then its status row; returns how many
    users took part."""
    params, ctx = bind_run(engine, board, key, facts_of(engine, board, as_of))
    engine.execute("leaderboards/finalize", params, **ctx)
    participants = int(engine.scalar("leaderboards/participants", params) or 0)
    engine.execute(
        "leaderboards/insert_run",
        {
            **params,
            "finalized_at": naive_utc(datetime.now(UTC)),
            "watermark_us": watermarks.watermark_us(engine),
            "points_seq": watermarks.committed_seq(engine, watermarks.POINTS),
            "participants": participants,
            "late": 0,
            "version": time.time_ns(),
        },
    )
    return participants


def run_job(engine: Engine, config: Config, as_of: datetime, *, full: bool = False) -> int:
    """The `leaderboards` job: finalize every run due by both `as_of` and the wall clock and not
    final yet (missed ones caught up), and recount the late contributions of final runs that
    received some. Final standings are never recomputed, so `full` changes nothing. Returns
    the runs finalized."""
    as_of = as_of.astimezone(UTC)
    # events of a run may still arrive until it is due by the wall clock, whatever as_of says
    finalize_until = min(as_of, runs.wall_clock())
    state = watermarks.job_state(engine, META_KEY)
    watermark_us = watermarks.watermark_us(engine)
    points_seq = watermarks.committed_seq(engine, watermarks.POINTS)
    finalized = 0
    for board in config.leaderboards:
        kind, ref = board.source
        if kind == "streak":
            continue
        facts = facts_of(engine, board, as_of)
        if board.period == "perpetual":
            refresh_snapshot(engine, board, periods.PERPETUAL, facts, watermark_us, points_seq)
            continue
        finals = {
            r["run"]: r
            for r in engine.query(
                "leaderboards/runs", {"board": board.key}, one_run=False
            ).iter_rows(named=True)
        }
        since = max(finals) - LOOKBACK if finals else date(1970, 1, 1)
        dates = engine.query(
            "leaderboards/run_dates",
            {"ref": ref, "since_date": since, "until_date": as_of.date()},
            source=kind,
        )
        keys = sorted({periods.run_key(d, board.period) for d in dates["local_date"].to_list()})
        done = set(finals)
        # snapshot rows of a run already final: left by a job killed between finalizing the
        # run and pruning them (tests/test_faults.py); never read, so they just go
        left = engine.query("leaderboards/snapshot_run_keys", {"board": board.key})
        for key in sorted(set(left["run"].to_list()) & done):
            _prune(engine, board, key, 2**63)
        for key in keys:
            if key not in finals and due(key, board) <= finalize_until:
                finalize_run(engine, config, board, key, as_of)
                _prune(engine, board, key, 2**63)
                finalized += 1
                done.add(key)
        for key in _snapshot_runs(board, as_of) - done:
            refresh_snapshot(engine, board, key, facts, watermark_us, points_seq)
        seen = state.get(board.key)
        if seen and finals:
            _recount_late(engine, board, kind, ref, finals, seen, points_seq)
        state[board.key] = {"watermark_us": watermark_us, "points_seq": points_seq}
    engine.execute("admin/set_meta", {"key": META_KEY, "value": json.dumps(state)})
    return finalized


def _snapshot_runs(board: Leaderboard, as_of: datetime) -> set[date]:
    """The runs that local dates around as_of can still contribute to (no zone is more than a
    day away from UTC) and are not due, and the run before each: a provisional read also
    reads the previous run, which is often due but empty (nothing to finalize)."""
    day = as_of.date()
    keys = {periods.run_key(day + timedelta(days=k), board.period) for k in (-1, 0, 1)}
    open_runs = {k for k in keys if due(k, board) > as_of}
    return open_runs | {periods.previous_key(k, board.period) for k in open_runs}


def refresh_snapshot(
    engine: Engine,
    board: Leaderboard,
    key: date,
    facts: Facts,
    watermark_us: int,
    points_seq: int,
) -> None:
    """Store the exact top of a provisional run as of `facts.as_of` (rows first, then the
    status row that makes reads use them, then the older rows go): from the previous snapshot
    and the contributions since when they tell it, else aggregated afresh."""
    size = board.max_participants * SNAPSHOT_FACTOR
    old = run_states(engine, board, key).get(("snapshot", key))
    told = None
    if old is not None and old["as_of"] <= facts.as_of:
        told = snapshot_top(engine, board, key, facts, old, size)
    if told is None:
        top = top_of(engine, board, key, facts, "", size + 1)
        told = top[:size], len(top) <= size
    rows, complete = told
    snap = time.time_ns()
    engine.insert(
        "leaderboard_snapshot",
        pl.DataFrame(
            {
                "board": [board.key] * len(rows),
                "run": [key] * len(rows),
                "snap": [snap] * len(rows),
                "rank": list(range(1, len(rows) + 1)),
                "user_id": [r["user_id"] for r in rows],
                "score": [r["score"] for r in rows],
                "last_change": [naive_utc(r["last_change"]) for r in rows],
            },
            schema={
                "board": pl.String,
                "run": pl.Date,
                "snap": pl.UInt64,
                "rank": pl.UInt32,
                "user_id": pl.String,
                "score": pl.Decimal(38, 6),
                "last_change": pl.Datetime("ms"),
            },
        ),
    )
    engine.execute(
        "leaderboards/insert_snapshot_run",
        {
            "board": board.key,
            "run": key,
            "snap": snap,
            "as_of": naive_utc(facts.as_of),
            "watermark_us": watermark_us,
            "points_seq": points_seq,
            "complete": int(complete),
        },
    )
    _prune(engine, board, key, snap)


def _prune(engine: Engine, board: Leaderboard, key: date, below: int) -> None:
    params = {"board": board.key, "run": key, "snap": below}
    if engine.scalar("leaderboards/any_snapshot_rows", params):
        engine.execute("leaderboards/prune_snapshots", params)


def _recount_late(
    engine: Engine,
    board: Leaderboard,
    kind: str,
    ref: str,
    finals: dict,
    seen: dict,
    points_seq: int,
) -> None:
    """Final runs that received contributions since the previous job run: count again the
    contributions whose events arrived after each was finalized (a rewrite of the points
    ledger, `--full`, leaves the count as it was)."""
    touched = engine.query(
        "leaderboards/touched_dates",
        {"ref": ref, "since": from_us(seen["watermark_us"]), "points_since": seen["points_seq"]},
        source=kind,
    )
    for key in sorted({periods.run_key(d, board.period) for d in touched["local_date"].to_list()}):
        status = finals.get(key)
        if status is None:
            continue
        first, last = periods.run_dates(key, board.period)
        late = engine.scalar(
            "leaderboards/late",
            {
                "ref": ref,
                "run_first": first,
                "run_last": last,
                "finalized_watermark": from_us(status["watermark_us"]),
                "committed": points_seq,
            },
            source=kind,
        )
        if int(late or 0) != int(status["late"]):
            engine.execute(
                "leaderboards/insert_run",
                {
                    **status,
                    "board": board.key,
                    "run": key,
                    "finalized_at": status["finalized_at"].replace(tzinfo=None),
                    "as_of": status["as_of"].replace(tzinfo=None),
                    "late": int(late or 0),
                    "version": time.time_ns(),
                },
            )
