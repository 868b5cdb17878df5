"""`gamify erase`: the right to erasure (docs/operations.md "Erasure").

Every table the store holds has a rule below (`RULES`): the users' rows go, final leaderboard
runs that ranked them are ranked again without them and say so, and what was derived from many
users at once (snapshots, dashboard builds) is dropped for the next job run to rebuild. A store
with a table that has no rule is refused before anything changes, so a table added later is
either covered or the erasure (and its test) fails.

Kill-safe: the erasure is recorded as pending in `meta` (under the hash of its ids, with the
counts the amended runs will carry: no id) before anything is deleted, every step is idempotent,
and running it again with the same ids finishes it. The run ledger keeps one row per erasure:
the number of users and the hash, never the ids.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import polars as pl

from gamify_analytics import leaderboards, periods, watermarks
from gamify_analytics.config import Config, Leaderboard
from gamify_analytics.engines import Engine, StoreError, naive_utc
from gamify_analytics.errors import InputError
from gamify_analytics.jobs import JOBS, ledger
from gamify_analytics.jobs.locks import WAIT_TIMEOUT, locked
from gamify_analytics.leaderboards.runs import from_us
from gamify_analytics.records import Record

#: The ledger's name for an erasure (it is not a job: nothing schedules it).
LEDGER_JOB = "erase"
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
_SALT_KEY = "erase_salt"
_STATE_PREFIX = "erase:"


@dataclass(frozen=True)
class Erasure(Record):
    """What an erasure did: how many users, the hash that names them in the ledger, whether it
    finished one a killed run had started, and the rows it deleted per table."""

    users: int
    digest: str
    resumed: bool
    runs_amended: int
    rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


def user_ids(values: Iterable[str]) -> list[str]:
    """The distinct ids to erase, sorted; an empty id, or none at all, is an input error."""
    ids = sorted(set(values))
    if not ids:
        raise InputError("no user ids to erase (--user ID or --users-file FILE)")
    if "" in ids:
        raise InputError("an empty user id cannot be erased")
    return ids


def digest(engine: Engine, ids: list[str]) -> str:
    """An HMAC-SHA256 of the ids under a random key kept in the store: whoever holds the ids
    can tell which erasure was theirs; the ledger alone does not list them."""
    salt = engine.scalar("admin/get_meta", {"key": _SALT_KEY})
    if salt is None:
        salt = secrets.token_hex(32)
        engine.execute("admin/set_meta", {"key": _SALT_KEY, "value": salt})
    return hmac.new(salt.encode(), "\x00".join(ids).encode(), hashlib.sha256).hexdigest()


def pending(engine: Engine) -> list[dict[str, Any]]:
    """Erasures recorded as pending and not finished (killed): {digest, users, started}."""
    frame = engine.query("admin/meta_like", {"pattern": f"{_STATE_PREFIX}%"})
    out = []
    for key, value in frame.iter_rows():
        state = json.loads(value)
        if state.get("state") == "pending":
            out.append({"digest": key.removeprefix(_STATE_PREFIX), **_public(state)})
    return out


def _public(state: dict[str, Any]) -> dict[str, Any]:
    return {"users": state["users"], "started": state["started"]}


def erase(
    engine: Engine,
    config: Config,
    users: Iterable[str],
    *,
    wait: bool = False,
    timeout: float = WAIT_TIMEOUT,
) -> Erasure:
    """Remove every trace of `users` from the store, holding every job meanwhile (no job run
    sees a half-erased store). Idempotent; a killed erasure is finished by running it again
    with the same ids."""
    t0 = time.perf_counter()
    ids = user_ids(users)
    unknown = sorted(set(engine.stored_tables()) - set(RULES))
    if unknown:
        raise StoreError(
            f"table {unknown[0]!r} has no erasure rule: refusing to erase only part of the users' "
            "data (a newer store than this version knows?)"
        )
    run_ids = {job: uuid.uuid4().hex for job in JOBS}
    with locked(engine, run_ids, wait=wait, timeout=timeout):
        hashed = digest(engine, ids)
        key = _STATE_PREFIX + hashed
        state = json.loads(engine.scalar("admin/get_meta", {"key": key}) or "null") or {}
        resumed = state.get("state") == "pending"
        run_id, started = uuid.uuid4().hex, datetime.now(UTC)

        def record(status: str, **kw: Any) -> None:
            ledger.record(
                engine, run_id, LEDGER_JOB, started, started, status, len(ids), detail=hashed, **kw
            )

        record("running")
        try:
            if not resumed:
                state = {
                    "state": "pending",
                    "users": len(ids),
                    "started": started.isoformat(),
                    "runs": plan(engine, config, ids),
                }
                engine.execute("admin/set_meta", {"key": key, "value": json.dumps(state)})
            rows = _apply(engine, config, ids, state["runs"])
        except Exception as e:
            record("failed", error=str(e)[:2000], finished=datetime.now(UTC))
            raise
        done = {"state": "done", **_public(state), "finished": datetime.now(UTC).isoformat()}
        engine.execute("admin/set_meta", {"key": key, "value": json.dumps(done)})
        record("ok", finished=datetime.now(UTC))
    amended = sum(1 for r in state["runs"] if r["groups"])
    return Erasure(len(ids), hashed, resumed, amended, rows, round(time.perf_counter() - t0, 3))


def _apply(
    engine: Engine, config: Config, ids: list[str], runs: list[dict[str, Any]]
) -> dict[str, int]:
    """Every step, each one idempotent, in an order a re-run can resume from: standings
    first (they are ranked again from what is left of them), then the users' rows, then the
    counts that follow from those (late contributions), then what is rebuilt."""
    watermarks.mark_changed(engine)
    stored = set(engine.stored_tables())
    rows = {"leaderboard_final": 0}
    for run in runs:
        rows["leaderboard_final"] += _rerank(engine, ids, run)
    # the versions a rewrite replaced (kept until a merge where the newest row of a key wins)
    _delete(engine, "leaderboard_final", "users", {"ids": ids})
    rows["leaderboard_snapshot"] = _drop_snapshots(engine, ids)
    for table, found_by in BY_USER.items():
        if table in stored:
            rows[table] = _delete(engine, table, found_by, {"ids": ids})
    rows["rejects"] = _delete(engine, "rejects", "raws", {"raws": _reject_raws(engine, ids)})
    boards = {b.key: b for b in config.leaderboards}
    for run in runs:
        _restate(engine, boards.get(run["board"]), run)
    rows["dashboard_rollups"] = _delete(engine, "dashboard_rollups", "all", {})
    watermarks.mark_changed(engine)
    return rows


def _delete(engine: Engine, table: str, rows: str, params: dict[str, Any]) -> int:
    """Delete the rows `rows` names (erase/_<rows>.sql); counted first, since a mutation on
    ClickHouse visits every part even when nothing matches."""
    ctx = {"table_ident": table, "rows": rows}
    n = int(engine.scalar("erase/count", params, **ctx) or 0)
    if n:
        engine.execute("erase/delete", params, **ctx)
    return n


# --- final leaderboard runs -----------------------------------------------------------------
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


def _scored(
    engine: Engine, board: Leaderboard, run: date, status: dict[str, Any], ids: list[str]
) -> dict[str, str]:
    """The users of `ids` who had a score in the run when it was finalized, and their group."""
    kind, ref = board.source
    first, last = periods.run_dates(run, board.period)
    params = {
        "ref": ref,
        "run_first": first,
        "run_last": last,
        "as_of": naive_utc(status["as_of"]),
        "finalized_watermark": from_us(status["watermark_us"]),
        "committed": watermarks.committed_seq(engine, watermarks.POINTS),
        "ids": ids,
    }
    scored = engine.query("erase/scored", params, source=kind)["user_id"].to_list()
    attrs = engine.query("erase/user_attributes", {"ids": scored})
    groups = {u: leaderboards.group_of(board, a) for u, a in attrs.iter_rows()}
    return {u: groups.get(u, leaderboards.group_of(board, None)) for u in scored}


def _rerank(engine: Engine, ids: list[str], run: dict[str, Any]) -> int:
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
        _delete(engine, "leaderboard_final", "tail", params)
    return removed


def _restate(engine: Engine, board: Leaderboard | None, run: dict[str, Any]) -> None:
    """The run's status row after the users' rows are gone: participants from the plan, the
    late contributions counted again (what is left of them), amended if its standings
    changed."""
    key = date.fromisoformat(run["run"])
    status = _finals(engine, run["board"]).get(key)
    if status is None:
        return
    late = int(status["late"])
    if board is not None:
        kind, ref = board.source
        first, last = periods.run_dates(key, board.period)
        params = {
            "ref": ref,
            "run_first": first,
            "run_last": last,
            "finalized_watermark": from_us(status["watermark_us"]),
            "committed": watermarks.committed_seq(engine, watermarks.POINTS),
        }
        late = int(engine.scalar("leaderboards/late", params, source=kind) or 0)
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


# --- derived from many users ------------------------------------------------------------------
def _drop_snapshots(engine: Engine, ids: list[str]) -> int:
    """Provisional snapshots holding a user: the status row first (reads stop using it),
    then its rows; the next leaderboards job aggregates the run afresh."""
    dropped = 0
    for board, run in engine.query("erase/snapshot_runs", {"ids": ids}).iter_rows():
        params = {"board": board, "run": run}
        _delete(engine, "leaderboard_snapshot_runs", "run", params)
        dropped += _delete(engine, "leaderboard_snapshot", "run", params)
    return dropped


def _reject_raws(engine: Engine, ids: list[str]) -> list[str]:
    """The raw texts of rejected rows that hold an id as a whole word (not inside a longer
    word: erasing `u1` keeps the rejects of `u10`), as written or JSON-escaped."""
    spellings = {i: {i, json.dumps(i)[1:-1]} for i in ids}
    needles = sorted({s for both in spellings.values() for s in both})
    words = [re.compile(rf"(?<!\w){re.escape(s)}(?!\w)") for s in needles]
    raws = engine.query("erase/rejects", {"needles": needles})["raw"].to_list()
    return sorted(r for r in raws if any(w.search(r) for w in words))
