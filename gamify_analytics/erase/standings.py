"""Final leaderboard runs under an erasure (docs/leaderboards.md "Erasure"): which runs change and
the participants they keep (planned before anything is deleted), the standings ranked again
without the users, and the status rows that say so."""

from __future__ import annotations

import time
from datetime import date
from typing import Any

import polars as pl

from gamify_analytics import leaderboards, periods, watermarks
from gamify_analytics.config import Config, Leaderboard
from gamify_analytics.engines import Engine, naive_utc
from gamify_analytics.erase.tables import delete
from gamify_analytics.leaderboards.runs import from_us


def plan(engine: Engine, config: Config, ids: list[str]) -> list[dict[str, Any]]:
    """The final runs the erasure changes, and per group the participants left (counts only):
    the runs whose standings hold a user, or that a user contributed to (their late count
    follows). Computed once, before anything is deleted."""
    keys = set(engine.query("erase/final_runs", {"ids": ids}).iter_rows())
    boards = {b.key: b for b in config.leaderboards}
    finals: dict[str, dict[date, dict[str, Any]]] = {}
    for board in config.leaderboards:
        kind, ref = board.source
        if kind == "streak" or board.period == "perpetual":
            continue
        finals[board.key] = _finals(engine, board.key)
        dates = engine.query("erase/contribution_dates", {"ref": ref, "ids": ids}, source=kind)
        touched = {periods.run_key(d, board.period) for d in dates["local_date"].to_list()}
        keys |= {(board.key, k) for k in touched if k in finals[board.key]}
    out = []
    for board_key, run in sorted(keys):
        status = finals.get(board_key) or _finals(engine, board_key)
        if run not in status:
            continue
        groups = _groups_left(engine, boards.get(board_key), board_key, run, status[run], ids)
        out.append({"board": board_key, "run": run.isoformat(), "groups": groups})
    return out


def _finals(engine: Engine, board: str) -> dict[date, dict[str, Any]]:
    frame = engine.query("leaderboards/runs", {"board": board}, one_run=False)
    return {r["run"]: r for r in frame.iter_rows(named=True)}


def _groups_left(
    engine: Engine,
    board: Leaderboard | None,
    board_key: str,
    run: date,
    status: dict[str, Any],
    ids: list[str],
) -> dict[str, int]:
    """Per group of the run that loses someone: its participants after the erasure. A group
    keeps its top `max_participants` only; when it was cut, erased users below the cut may have
    taken part too, and count out when they had a score in the run when it was finalized."""
    frame = engine.query("erase/final_rows", {"board": board_key, "run": run})
    erased = set(ids)
    below: dict[str, str] | None = None
    out = {}
    for (grp,), rows in frame.group_by("grp", maintain_order=True):
        listed = set(rows["user_id"].to_list())
        participants = int(rows["participants"][0])
        gone = len(listed & erased)
        if board is not None and participants > rows.height:
            if below is None:
                below = _scored(engine, board, run, status, ids)
            gone += sum(1 for u, g in below.items() if u not in listed and grp in ("", g))
        if gone:
            out[str(grp)] = max(participants - gone, 0)
    return out


def _run_params(
    engine: Engine, board: Leaderboard, run: date, status: dict[str, Any]
) -> dict[str, Any]:
    """What locates a final run's scores: its source, its dates, and what it had read when it
    was finalized (the ingest watermark and the points run it saw)."""
    first, last = periods.run_dates(run, board.period)
    return {
        "ref": board.source[1],
        "run_first": first,
        "run_last": last,
        "finalized_watermark": from_us(status["watermark_us"]),
        "committed": watermarks.committed_seq(engine, watermarks.POINTS),
    }


def _scored(
    engine: Engine, board: Leaderboard, run: date, status: dict[str, Any], ids: list[str]
) -> dict[str, str]:
    """The users of `ids` who had a score in the run when it was finalized, and their group."""
    params = {**_run_params(engine, board, run, status), "as_of": naive_utc(status["as_of"])}
    scored = engine.query("erase/scored", {**params, "ids": ids}, source=board.source[0])[
        "user_id"
    ].to_list()
    attrs = engine.query("erase/user_attributes", {"ids": scored})
    groups = {u: leaderboards.group_of(board, a) for u, a in attrs.iter_rows()}
    return {u: groups.get(u, leaderboards.group_of(board, None)) for u in scored}


def rerank(engine: Engine, ids: list[str], run: dict[str, Any]) -> int:
    """Each group that loses someone, ranked again without them (1…n, in the order they had),
    with its participants from the plan; the ranks past n go. Idempotent, even after a kill
    between the two writes: a user listed twice (new rank and old) keeps the better rank."""
    key = date.fromisoformat(run["run"])
    frame = engine.query("erase/final_rows", {"board": run["board"], "run": key})
    removed = 0
    for grp, participants in run["groups"].items():
        rows = frame.filter(pl.col("grp") == grp)
        kept = (
            rows.filter(~pl.col("user_id").is_in(ids))
            .sort("rank")
            .unique("user_id", keep="first", maintain_order=True)
        )
        removed += rows.height - kept.height
        kept = kept.with_columns(
            board=pl.lit(run["board"]),
            run=pl.lit(key),
            rank=pl.int_range(1, kept.height + 1, dtype=pl.UInt32),
            participants=pl.lit(participants, dtype=pl.UInt64),
            last_change=pl.col("last_change").dt.replace_time_zone(None),
        )
        engine.upsert("leaderboard_final", kept)
        params = {"board": run["board"], "run": key, "grp": grp, "rank": kept.height}
        delete(engine, "leaderboard_final", "tail", params)
    return removed


def restate(engine: Engine, board: Leaderboard | None, run: dict[str, Any]) -> None:
    """The run's status row after the users' rows are gone: participants from the plan, the
    late contributions counted again (what is left of them), amended if its standings
    changed."""
    key = date.fromisoformat(run["run"])
    status = _finals(engine, run["board"]).get(key)
    if status is None:
        return
    late = int(status["late"])
    if board is not None:
        params = _run_params(engine, board, key, status)
        late = int(engine.scalar("leaderboards/late", params, source=board.source[0]) or 0)
    engine.execute(
        "erase/amend_run",
        {
            "board": run["board"],
            "run": key,
            "participants": run["groups"].get("", int(status["participants"])),
            "late": late,
            "version": time.time_ns(),
            "amended": int(bool(run["groups"])),
        },
    )
