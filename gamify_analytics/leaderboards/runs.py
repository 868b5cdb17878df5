"""What every read and job step of one leaderboard run shares: the facts looked up once, the
bound parameters, the aggregated top of a run, and the exact top from a snapshot plus the
contributions since (docs/leaderboards.md)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from gamify_analytics import periods, watermarks
from gamify_analytics.config import Leaderboard
from gamify_analytics.engines import Engine, naive_utc

#: Users outside a snapshot whose contributions since could lift them into the answer are
#: scored one by one; beyond this many, aggregating the run is cheaper.
MAX_LOOKUPS = 2000


def due(key: date, board: Leaderboard) -> datetime:
    return periods.run_end(key, board.period) + timedelta(hours=board.finalize_after_hours)


def wall_clock() -> datetime:
    """Now: no run finalizes before it is due by this clock (tests move it:
    `leaderboards.runs.wall_clock`)."""
    return datetime.now(UTC)


@dataclass(frozen=True)
class Facts:
    """What every query of one read (or job step) of a board shares, looked up once."""

    as_of: datetime
    #: events after as_of are stored: days that straddle it need raw events
    straddle: bool
    #: the last committed points run: later ledger rows do not count yet
    committed: int
    #: the points run that last rewrote the board's ledger afresh (`--full`): a snapshot
    #: counted before it cannot tell which rows are new since (all of them look new)
    rebuilt: int = 0


def facts_of(engine: Engine, board: Leaderboard, as_of: datetime) -> Facts:
    kind, ref = board.source
    return Facts(
        as_of,
        kind == "metric" and watermarks.events_after(engine, as_of),
        watermarks.committed_seq(engine, watermarks.POINTS) if kind == "points" else 0,
        watermarks.points_rebuilt(engine, ref) if kind == "points" else 0,
    )


def bind_run(
    engine: Engine, board: Leaderboard, key: date, facts: Facts, group: str = ""
) -> tuple[dict[str, Any], dict[str, Any]]:
    kind, ref = board.source
    first, last = periods.run_dates(key, board.period)
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


def top_of(
    engine: Engine,
    board: Leaderboard,
    key: date,
    facts: Facts,
    group: str,
    limit: int,
    users: list[str] | None = None,
) -> list[dict[str, Any]]:
    """The best `limit` of one group of a run, aggregated from its contributions (of `users`
    only, when given)."""
    params, ctx = bind_run(engine, board, key, facts, group)
    params["limit"] = limit
    if users is not None:
        params["users"] = users
        ctx["candidates"] = True
    return engine.query("leaderboards/top", params, **ctx).to_dicts()


def rank_order(r: dict[str, Any]) -> tuple[Any, ...]:
    """The order of a board: score descending, then the earlier last change, then user_id."""
    return (-r["score"], r["last_change"], r["user_id"])


def snapshot_top(
    engine: Engine,
    board: Leaderboard,
    key: date,
    facts: Facts,
    snap: dict[str, Any],
    limit: int,
) -> tuple[list[dict[str, Any]], bool] | None:
    """The exact best `limit` of a run as of `facts.as_of` (≥ the snapshot's) from its
    snapshot and the contributions since, and whether they are all its participants; None
    when they cannot tell (docs/leaderboards.md)."""
    if snap["points_seq"] < facts.rebuilt:
        return None  # its ledger rows were all written again since: none is "since" it
    params, ctx = bind_run(engine, board, key, facts)
    params.update(
        snap=snap["snap"],
        since=from_us(snap["watermark_us"]),
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
    exact = sorted((r for r in known if r["score"] != 0), key=rank_order)
    if len(exact) < limit or rank_order(exact[limit - 1]) > bound:
        return None
    # users outside it whose score since could lift them that far: their exact scores
    maybe = [r["user_id"] for r in rows if not r["exact"]]
    if len(maybe) > MAX_LOOKUPS:
        return None
    if maybe:
        exact += top_of(engine, board, key, facts, "", len(maybe), maybe)
    return sorted(exact, key=rank_order)[:limit], False


def run_states(engine: Engine, board: Leaderboard, key: date) -> dict[tuple[str, date], dict]:
    """{("final" | "snapshot", run): row} for a run and the one before."""
    previous = key if key == periods.PERPETUAL else periods.previous_key(key, board.period)
    params = {"board": board.key, "run": key, "previous": previous}
    return {
        (r["kind"], r["run"]): r
        for r in engine.query("leaderboards/run_states", params).iter_rows(named=True)
    }


def from_us(us: int) -> datetime:
    return datetime(1970, 1, 1) + timedelta(microseconds=int(us))
