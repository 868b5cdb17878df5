"""Reading a leaderboard run: final standings as stored, or live provisional ones (from the
job's snapshot when it tells them exactly), each entry with its previous rank and score
(docs/leaderboards.md)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import polars as pl

from gamify_analytics import periods
from gamify_analytics.config import Config, Leaderboard
from gamify_analytics.engines import Engine
from gamify_analytics.leaderboards.runs import Facts, facts_of, run_states, snapshot_top, top_of
from gamify_analytics.records import Record


@dataclass(frozen=True)
class Entry(Record):
    """One user's place in a run: rank, score, and rank and score in the run before (None
    when the user was not in it)."""

    rank: int
    user_id: str
    score: Decimal
    previous_rank: int | None
    previous_score: Decimal | None


@dataclass(frozen=True)
class Standings(Record):
    """One run of one group of a board (`run`: its first local date, or "perpetual")."""

    leaderboard: str
    run: str
    group: str
    status: str
    late: int
    entries: list[Entry]
    #: an erasure removed users from this final run and ranked the rest again
    #: (docs/leaderboards.md "Erasure")
    amended: bool = False

    def frame(self) -> pl.DataFrame:
        """The entries as a table (rank, user_id, score, previous_rank, previous_score)."""
        return pl.DataFrame([e.as_dict() for e in self.entries], schema=ENTRY_SCHEMA)


ENTRY_SCHEMA = {
    "rank": pl.Int64,
    "user_id": pl.String,
    "score": pl.Decimal(38, 6),
    "previous_rank": pl.Int64,
    "previous_score": pl.Decimal(38, 6),
}


def _live(
    engine: Engine,
    config: Config,
    board: Leaderboard,
    key: date,
    group: str,
    facts: Facts,
    snap: dict[str, Any] | None,
) -> list[dict[str, Any]]:
    """A provisional run: from its snapshot when that tells it (whole board only), else
    aggregated."""
    kind, ref = board.source
    if kind == "streak":
        return _streak_board(engine, config, board, ref, group, facts.as_of)
    if not group and snap is not None and snap["as_of"] <= facts.as_of:
        told = snapshot_top(engine, board, key, facts, snap, board.max_participants)
        if told is not None:
            return _entries(told[0])
    return _entries(top_of(engine, board, key, facts, group, board.max_participants))


def _entries(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {"rank": i + 1, "user_id": r["user_id"], "score": r["score"]} for i, r in enumerate(rows)
    ]


def _streak_board(
    engine: Engine, config: Config, board: Leaderboard, streak: str, group: str, as_of: datetime
) -> list[dict[str, Any]]:
    """Current length as of the read, judged from the chains the streaks job stored; ties to
    the earlier `started`, then user_id."""
    params, ctx = periods.streak_params(engine, config.streak(streak), as_of, None)
    frame = engine.query("streaks/stored", params, **ctx).filter(pl.col("length") > 0)
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
    names = [group_of(board, attrs) for attrs in users["attributes"].to_list()]
    return pl.DataFrame({"user_id": users["user_id"], "grp": pl.Series(names, dtype=pl.String)})


def group_of(board: Leaderboard, attributes: Any) -> str:
    """The breakdown group of a user with these attributes (as read from the users table)."""
    # a map reads back as a dict, or as key/value structs where polars has no map type
    if isinstance(attributes, list):
        attributes = {a["key"]: a["value"] for a in attributes}
    return "/".join((attributes or {}).get(b, "(none)") for b in board.breakdown)


def _missing_group(board: Leaderboard) -> str:
    return group_of(board, None)


Final = tuple[list[dict[str, Any]], int, bool]


def _read_run(
    engine: Engine, board: Leaderboard, key: date, group: str
) -> tuple[Final | None, dict[tuple[str, date], dict[str, Any]]]:
    """A final run's entries for one group, its late count and whether it was amended (None
    when the run is not final), and, unless they came back, the states of the run and the one
    before: {("final" | "snapshot", run): row}. One query for a final run's entries (the read
    the performance target is about), two otherwise."""
    previous = key if key == periods.PERPETUAL else periods.previous_key(key, board.period)
    params = {"board": board.key, "run": key, "previous": previous, "grp": group}
    frame = engine.query("leaderboards/final_read", params)
    run = frame.filter(pl.col("kind") == "run")
    if not run.height:
        states = run_states(engine, board, key)
        final = states.get(("final", key))
        return (([], int(final["n"]), bool(final["amended"])) if final else None), states
    entries = frame.filter(pl.col("kind") == "entry")
    now = entries.filter(pl.col("run") == key).select("rank", "user_id", "score")
    before = entries.filter(pl.col("run") == previous)
    paired = now.join(
        before.select("user_id", previous_rank="rank", previous_score="score"),
        on="user_id",
        how="left",
    ).sort("rank")
    rows = paired.to_dicts()
    return (rows, int(run["late"][0]), bool(run["amended"][0])), {}


def standings(
    engine: Engine,
    config: Config,
    key: str,
    run: date | None = None,
    group: str = "",
    as_of: datetime | None = None,
) -> Standings:
    """The standings of one run and group: final if finalized, else live (provisional); the
    run defaults to the one holding as_of's UTC date."""
    board = config.leaderboard(key)
    as_of = (as_of or datetime.now(UTC)).astimezone(UTC)
    perpetual = board.period == "perpetual" or board.source[0] == "streak"
    rk = periods.PERPETUAL if perpetual else periods.run_key(run or as_of.date(), board.period)
    final, states = _read_run(engine, board, rk, group)
    if final is not None:
        entries, late, amended = final
    else:
        late, amended = 0, False
        facts = facts_of(engine, board, as_of)
        entries = _live(engine, config, board, rk, group, facts, states.get(("snapshot", rk)))
        before: dict[str, dict[str, Any]] = {}
        if not perpetual:
            prev = periods.previous_key(rk, board.period)
            if ("final", prev) in states:
                prev_rows = (_read_run(engine, board, prev, group)[0] or ([], 0, False))[0]
            else:
                snap = states.get(("snapshot", prev))
                prev_rows = _live(engine, config, board, prev, group, facts, snap)
            before = {r["user_id"]: r for r in prev_rows}
        for e in entries:
            p = before.get(e["user_id"])
            e["previous_rank"] = p["rank"] if p else None
            e["previous_score"] = p["score"] if p else None
    return Standings(
        leaderboard=board.key,
        run="perpetual" if perpetual else rk.isoformat(),
        group=group,
        status="final" if final is not None else "provisional",
        late=late,
        entries=[Entry(**e) for e in entries],
        amended=amended,
    )
