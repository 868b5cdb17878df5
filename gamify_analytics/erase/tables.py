"""What an erasure does to each table of the store, and the statements that do it: the users'
rows, rejects that name them, snapshots that rank them, every dashboard build
(docs/operations.md "Erasure")."""

from __future__ import annotations

import json
import re
from typing import Any

from gamify_analytics.engines import Engine

#: The users' own rows, and how they are found (erase/_<rows>.sql): by `user_id`, and in the
#: dedup index by the hashes of their events' keys (so before the events go).
BY_USER = {
    "event_keys": "event_keys",
    **dict.fromkeys(
        (
            "events",
            "users",
            "daily_metrics",
            "streak_chains",
            "streak_milestones",
            "progress",
            "achievements",
            "points_ledger",
        ),
        "users",
    ),
}
KEPT = "holds no user data"
#: What an erasure does to each table of the store (docs/operations.md prints it).
RULES = {
    **dict.fromkeys(BY_USER, "the users' rows are deleted"),
    "rejects": "rows whose raw text holds one of the ids as a whole word are deleted",
    "leaderboard_final": "the users' rows are deleted and each group ranked again, gapless",
    "leaderboard_runs": "participants and late counts follow; the run is marked amended",
    "leaderboard_snapshot": "snapshots holding the users are dropped (the job rebuilds them)",
    "leaderboard_snapshot_runs": "dropped with their snapshots",
    "dashboard_rollups": "every build is dropped (the next dashboards job rebuilds them)",
    **dict.fromkeys(
        ("meta", "job_runs", "job_locks", "schema_migrations", "tz_offsets", "tz_days"), KEPT
    ),
}


def traced(engine: Engine, ids: list[str]) -> bool:
    """Whether any table holds a row of the users (or a reject naming them)."""
    stored = set(engine.stored_tables())
    found = [("leaderboard_final", "users"), ("leaderboard_snapshot", "users"), *BY_USER.items()]
    return bool(reject_raws(engine, ids)) or any(
        engine.scalar("erase/count", {"ids": ids}, table_ident=table, rows=by)
        for table, by in found
        if table in stored
    )


def delete(engine: Engine, table: str, rows: str, params: dict[str, Any]) -> int:
    """Delete the rows `rows` names (erase/_<rows>.sql); counted first, since a mutation on
    ClickHouse visits every part even when nothing matches."""
    ctx = {"table_ident": table, "rows": rows}
    n = int(engine.scalar("erase/count", params, **ctx) or 0)
    if n:
        engine.execute("erase/delete", params, **ctx)
    return n


def drop_snapshots(engine: Engine, ids: list[str]) -> int:
    """Provisional snapshots holding a user: the status row first (reads stop using it),
    then its rows; the next leaderboards job aggregates the run afresh."""
    dropped = 0
    for board, run in engine.query("erase/snapshot_runs", {"ids": ids}).iter_rows():
        params = {"board": board, "run": run}
        delete(engine, "leaderboard_snapshot_runs", "run", params)
        dropped += delete(engine, "leaderboard_snapshot", "run", params)
    return dropped


def reject_raws(engine: Engine, ids: list[str]) -> list[str]:
    """The raw texts of rejected rows that hold an id as a whole word (not inside a longer
    word: erasing `u1` keeps the rejects of `u10`), as written or JSON-escaped."""
    spellings = {i: {i, json.dumps(i)[1:-1]} for i in ids}
    needles = sorted({s for both in spellings.values() for s in both})
    words = [re.compile(rf"(?<!\w){re.escape(s)}(?!\w)") for s in needles]
    raws = engine.query("erase/rejects", {"needles": needles})["raw"].to_list()
    return sorted(r for r in raws if any(w.search(r) for w in words))
