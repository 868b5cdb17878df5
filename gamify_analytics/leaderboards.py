"""Leaderboards: live provisional standings, finalization 12 h after a run's UTC end,
late contributions counted, and each user's previous rank and score.

Rules: docs/leaderboards.md. Metric and points boards rank in SQL (`sql/common/leaderboards/`)
over the per-day aggregates or the points ledger; streak boards rank the stored chains.
"""

from __future__ import annotations

import calendar
import json
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import polars as pl

from gamify_analytics import incremental, points, streaks
from gamify_analytics.config import Config, ConfigError, Leaderboard
from gamify_analytics.engines import Engine, naive_utc

META_KEY = "leaderboards_job"
PERPETUAL = date(1970, 1, 1)
#: A late contribution reopens nothing; candidate runs are looked for this far before the
#: latest final run (older runs without a status row had no contribution when they fell due).
LOOKBACK = timedelta(days=62)
#: A snapshot keeps this many times `max_participants` rows, so that reads stay exact while
#: some of its users change between two job runs (docs/leaderboards.md).
SNAPSHOT_FACTOR = 2
#: Users outside a snapshot whose contributions since could lift them into the answer are
#: scored one by one; beyond this many, aggregating the run is cheaper.
MAX_LOOKUPS = 2000


def find(config: Config, key: str) -> Leaderboard:
    for b in config.leaderboards:
        if b.key == key:
            return b
    known = ", ".join(b.key for b in config.leaderboards) or "none"
    raise ConfigError(f"{config.path}: no leaderboard {key!r} (known: {known})")


def source(board: Leaderboard) -> tuple[str, str]:
    """('metric' | 'points' | 'streak', key) of `rank_by`."""
    kind, _, ref = board.rank_by.partition(":")
    return kind, ref


# --- runs ------------------------------------------------------------------------------------


def run_key(day: date, period: str) -> date:
    if period == "daily":
        return day
    if period == "weekly":
        return day - timedelta(days=day.weekday())
    if period == "monthly":
        return day.replace(day=1)
    return PERPETUAL


def next_key(key: date, period: str) -> date:
    if period == "daily":
        return key + timedelta(days=1)
    if period == "weekly":
        return key + timedelta(days=7)
    return (key.replace(day=28) + timedelta(days=4)).replace(day=1)


def previous_key(key: date, period: str) -> date:
    if period == "monthly":
        return (key - timedelta(days=1)).replace(day=1)
    return key - timedelta(days=1 if period == "daily" else 7)


def run_dates(key: date, period: str) -> tuple[date, date]:
    """The first and last local date of a run."""
    if period == "daily":
        return key, key
    if period == "weekly":
        return key, key + timedelta(days=6)
    return key, key.replace(day=calendar.monthrange(key.year, key.month)[1])


def run_end(key: date, period: str) -> datetime:
    """UTC midnight of the next run's first date."""
    n = next_key(key, period)
    return datetime(n.year, n.month, n.day, tzinfo=UTC)


def due(key: date, board: Leaderboard) -> datetime:
    return run_end(key, board.period) + timedelta(hours=board.finalize_after_hours)


def wall_clock() -> datetime:
    """Now: no run finalizes before it is due by this clock (tests move it)."""
    return datetime.now(UTC)


# --- reads -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Facts:
    """What every query of one read (or job step) of a board shares, looked up once."""

    as_of: datetime
    #: events after as_of are stored: days that straddle it need raw events
    straddle: bool
    #: the last committed points run: later ledger rows do not count yet
    committed: int
    #: the points run that last rewrote the board's ledger afresh (`--full`): a snapshot
    #: counted before it cannot tell which rows are new since (all of them look new)
    rebuilt: int = 0


def _facts(engine: Engine, board: Leaderboard, as_of: datetime) -> _Facts:
    kind, ref = source(board)
    return _Facts(
        as_of,
        kind == "metric" and streaks.events_after(engine, as_of),
        points.committed_seq(engine) if kind == "points" else 0,
        points.rebuilt_seq(engine, ref) if kind == "points" else 0,
    )


def _bind(
    engine: Engine, board: Leaderboard, key: date, facts: _Facts, group: str = ""
) -> tuple[dict[str, Any], dict[str, Any]]:
    kind, ref = source(board)
    first, last = run_dates(key, board.period)
    params: dict[str, Any] = {
        "board": board.key,
        "ref": ref,
        "run": key,
        "run_first": first,
        "run_last": last,
        "as_of": naive_utc(facts.as_of),
        "grp": group,
        "limit": board.max_participants,
        "committed": facts.committed,
    }
    breakdown = []
    for i, attr in enumerate(board.breakdown):
        params[f"b{i}"] = attr
        breakdown.append(f"b{i}")
    ctx = {
        "source": kind,
        "bounded": board.period != "perpetual",
        "breakdown": breakdown,
        "straddle": facts.straddle,
        "candidates": False,
    }
    return params, ctx


def _live(
    engine: Engine,
    config: Config,
    board: Leaderboard,
    key: date,
    group: str,
    facts: _Facts,
    snap: dict[str, Any] | None,
) -> list[dict[str, Any]]:
    """A provisional run: from its snapshot when that tells it (whole board only), else
    aggregated."""
    kind, ref = source(board)
    if kind == "streak":
        return _streak_board(engine, config, board, ref, group, facts.as_of)
    if not group and snap is not None and snap["as_of"] <= facts.as_of:
        told = _from_snapshot(engine, board, key, facts, snap, board.max_participants)
        if told is not None:
            return _entries(told[0])
    return _entries(_top(engine, board, key, facts, group, board.max_participants))


def _top(
    engine: Engine,
    board: Leaderboard,
    key: date,
    facts: _Facts,
    group: str,
    limit: int,
    users: list[str] | None = None,
) -> list[dict[str, Any]]:
    """The best `limit` of one group of a run, aggregated from its contributions (of `users`
    only, when given)."""
    params, ctx = _bind(engine, board, key, facts, group)
    params["limit"] = limit
    if users is not None:
        params["users"] = users
        ctx["candidates"] = True
    return engine.query("leaderboards/top", params, **ctx).to_dicts()


def _entries(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {"rank": i + 1, "user_id": r["user_id"], "score": r["score"]} for i, r in enumerate(rows)
    ]


def _order(r: dict[str, Any]) -> tuple[Any, ...]:
    """The order of a board: score descending, then the earlier last change, then user_id."""
    return (-r["score"], r["last_change"], r["user_id"])


def _from_snapshot(
    engine: Engine,
    board: Leaderboard,
    key: date,
    facts: _Facts,
    snap: dict[str, Any],
    limit: int,
) -> tuple[list[dict[str, Any]], bool] | None:
    """The exact best `limit` of a run as of `facts.as_of` (≥ the snapshot's) from its
    snapshot and the contributions since, and whether they are all its participants; None
    when they cannot tell (docs/leaderboards.md)."""
    if snap["points_seq"] < facts.rebuilt:
        return None  # its ledger rows were all written again since: none is "since" it
    params, ctx = _bind(engine, board, key, facts)
    params.update(
        snap=snap["snap"],
        since=_from_us(snap["watermark_us"]),
        snap_as_of=naive_utc(snap["as_of"]),
        points_seq=snap["points_seq"],
        limit=limit + 1,
        offset=limit - 1,
        max_lookups=MAX_LOOKUPS,
    )
    ctx["complete"] = bool(snap["n"])
    rows = engine.query("leaderboards/top_delta", params, **ctx).to_dicts()
    if snap["n"]:
        return rows[:limit], len(rows) <= limit
    known = [r for r in rows if r["exact"]]
    if not known:
        return None
    # every user outside the snapshot ranked after its last row, and so does anyone who has
    # contributed nothing since: the answer is exact if its last entry still ranks before it
    last = max(known, key=lambda r: r["rank"])
    bound = (-last["old_score"], last["old_lc"], last["user_id"])
    exact = sorted((r for r in known if r["score"] != 0), key=_order)
    if len(exact) < limit or _order(exact[limit - 1]) > bound:
        return None
    # users outside it whose score since could lift them that far: their exact scores
    maybe = [r["user_id"] for r in rows if not r["exact"]]
    if len(maybe) > MAX_LOOKUPS:
        return None
    if maybe:
        exact += _top(engine, board, key, facts, "", len(maybe), maybe)
    return sorted(exact, key=_order)[:limit], False


def _streak_board(
    engine: Engine, config: Config, board: Leaderboard, streak: str, group: str, as_of: datetime
) -> list[dict[str, Any]]:
    """Current length as of the read; ties to the earlier `started`, then user_id."""
    frame = streaks.stored(engine, config, streak, as_of).filter(pl.col("length") > 0)
    if group:
        frame = frame.join(_groups(engine, board), on="user_id", how="left").filter(
            pl.col("grp").fill_null(_missing_group(board)) == group
        )
    frame = frame.sort(["length", "started", "user_id"], descending=[True, False, False])
    frame = frame.head(board.max_participants)
    return [
        {"rank": i + 1, "user_id": u, "score": Decimal(n)}
        for i, (u, n) in enumerate(zip(frame["user_id"], frame["length"], strict=True))
    ]


def _groups(engine: Engine, board: Leaderboard) -> pl.DataFrame:
    users = engine.query("read/users")
    names = []
    for attrs in users["attributes"].to_list():
        # a map reads back as a dict, or as key/value structs where polars has no map type
        values = {a["key"]: a["value"] for a in attrs} if isinstance(attrs, list) else attrs or {}
        names.append("/".join(values.get(b, "(none)") for b in board.breakdown))
    return pl.DataFrame({"user_id": users["user_id"], "grp": pl.Series(names, dtype=pl.String)})


def _missing_group(board: Leaderboard) -> str:
    return "/".join("(none)" for _ in board.breakdown)


def _states(engine: Engine, board: Leaderboard, key: date) -> dict[tuple[str, date], dict]:
    """{("final" | "snapshot", run): row} for a run and the one before."""
    previous = key if key == PERPETUAL else previous_key(key, board.period)
    params = {"board": board.key, "run": key, "previous": previous}
    return {
        (r["kind"], r["run"]): r
        for r in engine.query("leaderboards/run_states", params).iter_rows(named=True)
    }


def _read_run(
    engine: Engine, board: Leaderboard, key: date, group: str
) -> tuple[tuple[list[dict[str, Any]], int] | None, dict[tuple[str, date], dict[str, Any]]]:
    """A final run's entries for one group and its late count (None when the run is not final),
    and, unless they came back, the states of the run and the one before: {("final" |
    "snapshot", run): row}. One query for a final run's entries (the read the performance target is
    about), two otherwise."""
    previous = key if key == PERPETUAL else previous_key(key, board.period)
    params = {"board": board.key, "run": key, "previous": previous, "grp": group}
    frame = engine.query("leaderboards/final_read", params)
    if not frame.height:
        states = _states(engine, board, key)
        final = states.get(("final", key))
        return (([], int(final["n"])) if final else None), states
    had = frame["had_previous"].to_list()
    entries = [
        {
            "rank": rank,
            "user_id": user,
            "score": score,
            "previous_rank": prank if h else None,
            "previous_score": pscore if h else None,
        }
        for rank, user, score, prank, pscore, h in zip(
            frame["rank"].to_list(),
            frame["user_id"].to_list(),
            frame["score"].to_list(),
            frame["previous_rank"].to_list(),
            frame["previous_score"].to_list(),
            had,
            strict=True,
        )
    ]
    return (entries, int(frame["late"][0])), {}


def standings(
    engine: Engine,
    config: Config,
    key: str,
    run: date | None = None,
    group: str = "",
    as_of: datetime | None = None,
) -> dict[str, Any]:
    """`{leaderboard, run, status, late, entries: [{rank, user_id, score, previous_rank,
    previous_score}]}`; the run defaults to the one holding as_of's UTC date."""
    board = find(config, key)
    as_of = (as_of or datetime.now(UTC)).astimezone(UTC)
    perpetual = board.period == "perpetual" or source(board)[0] == "streak"
    rk = PERPETUAL if perpetual else run_key(run or as_of.date(), board.period)
    final, states = _read_run(engine, board, rk, group)
    if final is not None:
        entries, late = final
    else:
        late = 0
        facts = _facts(engine, board, as_of)
        entries = _live(engine, config, board, rk, group, facts, states.get(("snapshot", rk)))
        before: dict[str, dict[str, Any]] = {}
        if not perpetual:
            prev = previous_key(rk, board.period)
            if ("final", prev) in states:
                prev_rows = (_read_run(engine, board, prev, group)[0] or ([], 0))[0]
            else:
                snap = states.get(("snapshot", prev))
                prev_rows = _live(engine, config, board, prev, group, facts, snap)
            before = {r["user_id"]: r for r in prev_rows}
        for e in entries:
            p = before.get(e["user_id"])
            e["previous_rank"] = p["rank"] if p else None
            e["previous_score"] = p["score"] if p else None
    return {
        "leaderboard": board.key,
        "run": "perpetual" if perpetual else rk.isoformat(),
        "group": group,
        "status": "final" if final is not None else "provisional",
        "late": late,
        "entries": entries,
    }


# --- the job ---------------------------------------------------------------------------------


def finalize_run(
    engine: Engine, config: Config, board: Leaderboard, key: date, as_of: datetime
) -> int:
    """Store a run's final standings (every group), then its status row; returns how many
    users took part."""
    params, ctx = _bind(engine, board, key, _facts(engine, board, as_of))
    engine.execute("leaderboards/finalize", params, **ctx)
    participants = int(engine.scalar("leaderboards/participants", params) or 0)
    engine.execute(
        "leaderboards/insert_run",
        {
            **params,
            "finalized_at": naive_utc(datetime.now(UTC)),
            "watermark_us": incremental.watermark_us(engine),
            "points_seq": points.committed_seq(engine),
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
    finalize_until = min(as_of, wall_clock())
    state = incremental.job_state(engine, META_KEY)
    watermark_us = incremental.watermark_us(engine)
    points_seq = points.committed_seq(engine)
    finalized = 0
    for board in config.leaderboards:
        kind, ref = source(board)
        if kind == "streak":
            continue
        facts = _facts(engine, board, as_of)
        if board.period == "perpetual":
            refresh_snapshot(engine, board, PERPETUAL, facts, watermark_us, points_seq)
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
        keys = sorted({run_key(d, board.period) for d in dates["local_date"].to_list()})
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
    keys = {run_key(day + timedelta(days=k), board.period) for k in (-1, 0, 1)}
    open_runs = {k for k in keys if due(k, board) > as_of}
    return open_runs | {previous_key(k, board.period) for k in open_runs}


def refresh_snapshot(
    engine: Engine,
    board: Leaderboard,
    key: date,
    facts: _Facts,
    watermark_us: int,
    points_seq: int,
) -> None:
    """Store the exact top of a provisional run as of `facts.as_of` (rows first, then the
    status row that makes reads use them, then the older rows go): from the previous snapshot
    and the contributions since when they tell it, else aggregated afresh."""
    size = board.max_participants * SNAPSHOT_FACTOR
    old = _states(engine, board, key).get(("snapshot", key))
    told = None
    if old is not None and old["as_of"] <= facts.as_of:
        told = _from_snapshot(engine, board, key, facts, old, size)
    if told is None:
        top = _top(engine, board, key, facts, "", size + 1)
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
        {"ref": ref, "since": _from_us(seen["watermark_us"]), "points_since": seen["points_seq"]},
        source=kind,
    )
    for key in sorted({run_key(d, board.period) for d in touched["local_date"].to_list()}):
        status = finals.get(key)
        if status is None:
            continue
        first, last = run_dates(key, board.period)
        late = engine.scalar(
            "leaderboards/late",
            {
                "ref": ref,
                "run_first": first,
                "run_last": last,
                "finalized_watermark": _from_us(status["watermark_us"]),
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


def _from_us(us: int) -> datetime:
    return datetime(1970, 1, 1) + timedelta(microseconds=int(us))
