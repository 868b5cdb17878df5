"""`gamify erase`: the right to erasure (docs/operations.md "Erasure").

Every table the store holds has a rule (`tables.RULES`): the users' rows go, final leaderboard
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
import secrets
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from gamify_analytics import watermarks
from gamify_analytics.config import Config
from gamify_analytics.engines import Engine, StoreError
from gamify_analytics.erase.standings import plan, rerank, restate
from gamify_analytics.erase.tables import (
    BY_USER,
    RULES,
    delete,
    drop_snapshots,
    reject_raws,
    traced,
)
from gamify_analytics.errors import InputError
from gamify_analytics.jobs import JOBS, ledger
from gamify_analytics.jobs.locks import WAIT_TIMEOUT, locked
from gamify_analytics.records import Record

__all__ = ["LEDGER_JOB", "RULES", "Erasure", "digest", "erase", "pending", "user_ids"]

#: The ledger's name for an erasure (it is not a job: nothing schedules it).
LEDGER_JOB = "erase"
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
        _refuse_another_pending(engine, hashed)
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
            rows: dict[str, int] = {}
            if resumed or state["runs"] or traced(engine, ids):  # else nothing to change
                if not resumed:
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


def _refuse_another_pending(engine: Engine, hashed: str) -> None:
    """One erasure at a time: a killed one is finished first (the counts it planned for the
    final runs it amends hold only while no other erasure changes them)."""
    for other in pending(engine):
        if other["digest"] != hashed:
            raise StoreError(
                f"an erasure of {other['users']} user(s) started at {other['started']} did not "
                f"finish (hash {other['digest'][:12]}…): run gamify erase again with its ids first"
            )


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
        rows["leaderboard_final"] += rerank(engine, ids, run)
    # the versions a rewrite replaced (kept until a merge where the newest row of a key wins)
    delete(engine, "leaderboard_final", "users", {"ids": ids})
    rows["leaderboard_snapshot"] = drop_snapshots(engine, ids)
    for table, found_by in BY_USER.items():
        if table in stored:
            rows[table] = delete(engine, table, found_by, {"ids": ids})
    rows["rejects"] = delete(engine, "rejects", "raws", {"raws": reject_raws(engine, ids)})
    boards = {b.key: b for b in config.leaderboards}
    for run in runs:
        restate(engine, boards.get(run["board"]), run)
    rows["dashboard_rollups"] = delete(engine, "dashboard_rollups", "all", {})
    watermarks.mark_changed(engine)
    return rows
