"""Streaks: the chain of qualifying local periods, freezes, and the state as of T.

The rules, including the decisions the spec leaves open, are in docs/streaks.md. Each engine
computes them in one SQL statement (`sql/<engine>/streaks/`); this module binds the config's
values as parameters and shapes the results.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import polars as pl

from gamify_analytics import incremental
from gamify_analytics.config import Config, ConfigError, Streak
from gamify_analytics.engines import Engine, naive_utc

STATE_SCHEMA = {
    "user_id": pl.String,
    "streak": pl.String,
    "length": pl.Int64,
    "longest": pl.Int64,
    "started": pl.Date,
    "last_period": pl.Date,
    "freezes_left": pl.Int64,
    "status": pl.String,
    "expires_at": pl.Datetime("ms", "UTC"),
}
PERIOD_DAYS = {"daily": 1, "weekly": 7, "monthly": 31}
#: On a server, rows ingested this long before the previous run's watermark are looked at
#: again: an insert in flight when the watermark was read may commit with an earlier
#: `ingested_at`. Stores held by one process have nothing in flight (margin 0).
INFLIGHT_MARGIN = timedelta(minutes=10)
HISTORY_SCHEMA = {
    "user_id": pl.String,
    "streak": pl.String,
    "period": pl.Date,
    "qualified": pl.Boolean,
    "used_freeze": pl.Boolean,
    "length": pl.Int64,
}


@dataclass(frozen=True)
class _Condition:
    metric_param: str
    threshold_param: str


def find(config: Config, key: str) -> Streak:
    for s in config.streaks:
        if s.key == key:
            return s
    raise ConfigError(
        f"{config.path}: no streak {key!r} (known: "
        f"{', '.join(s.key for s in config.streaks) or 'none'})"
    )


def events_after(engine: Engine, as_of: datetime) -> bool:
    """Whether events later than `as_of` may be stored: only then do some per-day aggregates
    straddle it, and their raw events must be read."""
    latest = engine.scalar("admin/get_meta", {"key": "max_event_ts_ms"})
    return latest is None or int(latest) > int(as_of.timestamp() * 1000)


def bind(
    engine: Engine,
    streak: Streak,
    as_of: datetime,
    users: list[str] | None,
    changed_only: bool = False,
    seeded: bool = False,
    touched: bool = False,
) -> tuple[dict, dict]:
    as_of = as_of.astimezone(UTC)
    params: dict[str, Any] = {
        "streak": streak.key,
        "as_of": naive_utc(as_of),
        "as_of_ms": int(as_of.timestamp() * 1000),
        "initial": streak.freezes.initial,
        "max_freezes": streak.freezes.max,
        "earn_every": streak.freezes.earn_every,
        "earn_amount": streak.freezes.earn_amount,
        # how far past the last period a lookup can reach: the expiry, max + 2 periods on
        "lookahead_days": (streak.freezes.max + 3) * PERIOD_DAYS[streak.frequency],
    }
    conditions = []
    for i, c in enumerate(streak.conditions):
        params[f"c{i}_metric"] = c.metric
        params[f"c{i}_threshold"] = Decimal(str(c.threshold))
        conditions.append(_Condition(f"c{i}_metric", f"c{i}_threshold"))
    if users is not None:
        params["users"] = users
    ctx = {
        "frequency": streak.frequency,
        "mode": streak.mode,
        "conditions": conditions,
        "filter_users": users is not None,
        "changed_only": changed_only,
        "seeded": seeded,
        # only the users with events new to the achievements job (docs/achievements.md)
        "touched": touched,
        # only when events after as_of are stored do days straddle it (raw events needed)
        "straddle": events_after(engine, as_of),
    }
    return params, ctx


def _read(
    template: str,
    schema: dict,
    engine: Engine,
    config: Config,
    streak_key: str,
    as_of: datetime | None,
    users: list[str] | None,
) -> pl.DataFrame:
    params, ctx = bind(engine, find(config, streak_key), as_of or datetime.now(UTC), users)
    return _shape(engine.query(template, params, **ctx), schema)


def compute(
    engine: Engine,
    config: Config,
    streak_key: str,
    as_of: datetime | None = None,
    users: list[str] | None = None,
) -> pl.DataFrame:
    """Streak outputs per user with any event up to `as_of` (default now)."""
    return _read("streaks/state", STATE_SCHEMA, engine, config, streak_key, as_of, users)


def history(
    engine: Engine,
    config: Config,
    streak_key: str,
    as_of: datetime | None = None,
    users: list[str] | None = None,
) -> pl.DataFrame:
    """Per-period history: qualifying periods and the periods a freeze bridged."""
    frame = _read("streaks/history", HISTORY_SCHEMA, engine, config, streak_key, as_of, users)
    return frame.sort("user_id", "period")


def stored(
    engine: Engine,
    config: Config,
    streak_key: str,
    as_of: datetime | None = None,
    users: list[str] | None = None,
) -> pl.DataFrame:
    """Streak outputs judged as of `as_of` from the chains the streaks job stored (the read path of
    dashboards and leaderboards: no event is scanned)."""
    return _read("streaks/stored", STATE_SCHEMA, engine, config, streak_key, as_of, users)


def aggregates(
    engine: Engine, config: Config, streak_key: str, as_of: datetime | None = None
) -> dict[str, pl.DataFrame]:
    """Streak aggregates for dashboards: totals (statuses, average and longest length, freezes
    consumed) and the length distribution from the stored chains, and per period the users
    whose period qualified (that is, whose streak was kept alive that period)."""
    params, ctx = bind(engine, find(config, streak_key), as_of or datetime.now(UTC), None)
    return {
        "totals": engine.query("streaks/stored_totals", params, **ctx),
        "lengths": engine.query("streaks/stored_lengths", params, **ctx),
        "per_period": engine.query("streaks/per_period", params, **ctx),
    }


def fingerprint(streak: Streak) -> str:
    """Identifies a streak's rules: stored chains computed under other rules are recomputed."""
    return hashlib.sha256(repr(streak).encode()).hexdigest()[:16]


def run_job(
    engine: Engine,
    config: Config,
    as_of: datetime,
    *,
    full: bool = False,
    inflight_margin: timedelta | None = None,
) -> int:
    """The `streaks` job: store every streak's chains as of `as_of`.

    Incremental by default: only users with events ingested since the previous run (minus a
    safety margin for inserts in flight), or whose events fell due since its as-of, are
    touched. Those whose new events all lie after their stored last period, or after the one
    before it, continue their stored chain from that period's state with the later periods
    only (time proportional to the new data); the others (late events, users without a
    stored chain) are recomputed whole. A first run, a changed streak
    definition, an as-of earlier than the previous one, or `full` recomputes everyone.
    Either way the stored rows equal a full recompute's.
    """
    as_of = as_of.astimezone(UTC)
    if inflight_margin is None:
        inflight_margin = INFLIGHT_MARGIN if engine.concurrent_writers else timedelta(0)
    rows = 0
    watermark = incremental.watermark(engine)
    for streak in config.streaks:
        meta_key = f"streaks_job:{streak.key}"
        previous = json.loads(engine.scalar("admin/get_meta", {"key": meta_key}) or "null")
        continuing = (
            not full
            and previous is not None
            and previous["fingerprint"] == fingerprint(streak)
            and datetime.fromisoformat(previous["as_of"]) <= as_of
        )
        if continuing:
            since = datetime.fromisoformat(previous["watermark"]) - inflight_margin
            extra = {
                "since": naive_utc(since),
                "previous_as_of": naive_utc(datetime.fromisoformat(previous["as_of"])),
            }
            # changed users who cannot continue their stored chain first: recomputed whole;
            # then the rest continue their stored chains with their new periods only
            for mode in ("changed_only", "seeded"):
                params, ctx = bind(engine, streak, as_of, None, **{mode: True})
                params.update(extra, version=time.time_ns())
                engine.execute("streaks/upsert_chains", params, **ctx)
        else:
            if previous is not None:
                # the stored chains go before the new ones are written: a run killed in between
                # must leave no state to continue from, so that the next run, even without
                # `full`, recomputes them too (tests/test_faults.py)
                engine.execute("admin/set_meta", {"key": meta_key, "value": "null"})
            engine.execute("streaks/clear_chains", {"streak": streak.key})
            for part in incremental.buckets(engine, fresh=True):
                params, ctx = bind(engine, streak, as_of, None)
                params.update(part["params"], version=time.time_ns())
                engine.execute("streaks/upsert_chains", params, **ctx, bucketed=part["bucketed"])
        rows += engine.scalar("streaks/count_chains", {"streak": streak.key}) or 0
        state = {
            "fingerprint": fingerprint(streak),
            "as_of": as_of.isoformat(),
            "watermark": watermark.isoformat(),
        }
        engine.execute("admin/set_meta", {"key": meta_key, "value": json.dumps(state)})
    return rows


def stored_as_of(engine: Engine, streak: Streak) -> datetime | None:
    """The as-of of the chains the streaks job stored for `streak` (None if none, or if they
    were computed under other rules)."""
    state = job_state(engine, streak)
    return datetime.fromisoformat(state["as_of"]) if state else None


def job_state(engine: Engine, streak: Streak) -> dict[str, str] | None:
    """What the last streaks job run recorded for `streak` (fingerprint, as-of, watermark);
    None if it never ran or ran under other rules."""
    state = json.loads(
        engine.scalar("admin/get_meta", {"key": f"streaks_job:{streak.key}"}) or "null"
    )
    if not state or state["fingerprint"] != fingerprint(streak):
        return None
    return state


def _shape(frame: pl.DataFrame, schema: dict) -> pl.DataFrame:
    if frame.height == 0:
        return pl.DataFrame(schema=schema)
    return frame.select([pl.col(c).cast(t) for c, t in schema.items()])
