"""Points systems: the award ledger, totals and levels.

Rules and the incremental contract: docs/achievements.md. One SQL statement per system and run
(`sql/common/points/award.sql`) builds the candidates and folds them per user with clamping.
"""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal
from typing import Any

import polars as pl

from gamify_analytics import achievements, incremental, streaks
from gamify_analytics.config import Config, PointsSystem
from gamify_analytics.engines import Engine

META_KEY = "points_job"
#: Without `max_points` totals are unbounded; Decimal(38, 6) holds this with room to spare.
NO_CAP = Decimal(10) ** 30
TOTALS_SCHEMA = {
    "user_id": pl.String,
    "system": pl.String,
    "total": pl.Decimal(38, 6),
    "level": pl.String,
}


def find(config: Config, key: str) -> PointsSystem:
    for s in config.points:
        if s.key == key:
            return s
    raise KeyError(key)


def _fingerprint(config: Config, system: PointsSystem) -> str:
    """Triggers, cap and the rules of the streaks and achievements they name (levels are
    applied when read, so changing them needs no re-evaluation)."""
    named: list = [streaks.find(config, t.streak) for t in system.triggers if t.streak]
    wanted = {t.achievement for t in system.triggers}
    named += [a for a in config.achievements if a.key in wanted]
    return incremental.fingerprint(system.triggers, system.max_points, named)


def committed_seq(engine: Engine) -> int:
    """The sequence number of the last committed points run (0 before the first)."""
    return int(incremental.job_state(engine, META_KEY).get("seq", 0))


def rebuilt_seq(engine: Engine, system: str) -> int:
    """The sequence number of the committed run that last wrote `system`'s ledger afresh (0 if
    none did): every row of the ledger then has a number at least that high, so "rows of a run
    after N" means "rows new since N" only for N at least that high."""
    state = incremental.job_state(engine, META_KEY)
    return int(state.get("systems", {}).get(system, {}).get("rebuilt", 0))


def run_job(engine: Engine, config: Config, as_of: datetime, *, full: bool = False) -> int:
    """The `points` job: append this run's awards to the ledger of every system."""
    run = incremental.begin(engine, META_KEY, as_of, full)
    upstream_state = engine.scalar("admin/get_meta", {"key": achievements.META_KEY})
    upstream = int(json.loads(upstream_state)["seq"]) if upstream_state else 0
    previous = run.previous.get("systems", {})
    systems = {}
    # rows of this sequence are left only by a run that crashed before committing: the ledger
    # is summed without deduplication (leaderboards), so they go first
    incremental.clear(engine, "points_ledger", "seq", run.seq, "UInt64")
    for system in config.points:
        fp = _fingerprint(config, system)
        seen = previous.get(system.key)
        fresh = run.fresh or seen is None or seen["fingerprint"] != fp
        scope = f"points:{system.key}"
        if fresh:
            incremental.clear(engine, "points_ledger", "system", system.key)
            incremental.clear(engine, "progress", "scope", scope)
        metrics = sorted({t.metric for t in system.triggers if t.metric})
        ctx, params = incremental.new_events_ctx(fresh, metrics)
        params.update(
            run.params(),
            scope=scope,
            system=system.key,
            counters=[f"m:{m}" for m in metrics],
            consumed=0 if fresh else seen["consumed"],
            upstream=upstream,
            cap=Decimal(str(system.max_points)) if system.max_points is not None else NO_CAP,
        )
        triggers = _bind_triggers(system, params)
        ctx["metric_list"] = bool(metrics)
        for part in incremental.buckets(engine, fresh):
            bound = {**params, **part["params"]}
            engine.execute(
                "points/award", bound, **ctx, triggers=triggers, bucketed=part["bucketed"]
            )
            if metrics:
                engine.execute(
                    "jobs/carry_totals",
                    bound,
                    **ctx,
                    counter="concat('m:', e.metric)",
                    per_metric=True,
                    bucketed=part["bucketed"],
                )
        engine.execute("points/carry_total", params)
        rebuilt = run.seq if fresh else seen.get("rebuilt", 0)
        systems[system.key] = {"fingerprint": fp, "consumed": upstream, "rebuilt": rebuilt}
    run.state["systems"] = systems
    awarded = engine.scalar("points/count_run", {"seq": run.seq}) or 0
    run.commit(engine)
    return int(awarded)


def _bind_triggers(system: PointsSystem, params: dict[str, Any]) -> list[dict[str, Any]]:
    """Each trigger's values as parameters; the template sees only their names."""
    out = []
    for i, t in enumerate(system.triggers):
        names = {"pos": i, "points": f"t{i}_points"}
        params[f"t{i}_points"] = Decimal(str(t.points))
        if t.metric:
            names.update(kind="metric", metric=f"t{i}_metric", per=f"t{i}_per")
            params[f"t{i}_metric"], params[f"t{i}_per"] = t.metric, Decimal(str(t.per))
        elif t.achievement:
            names.update(kind="achievement", achievement=f"t{i}_achievement")
            params[f"t{i}_achievement"] = t.achievement
        else:
            names.update(kind="streak", streak=f"t{i}_streak", length=f"t{i}_length")
            params[f"t{i}_streak"], params[f"t{i}_length"] = t.streak, t.length
        out.append(names)
    return out


def level_of(system: PointsSystem, total: Decimal) -> str | None:
    """The level with the highest `points` <= total (of equal ones, the last listed)."""
    best = None
    for level in system.levels:
        if Decimal(str(level.points)) <= total and (
            best is None or Decimal(str(level.points)) >= Decimal(str(best.points))
        ):
            best = level
    return best.key if best else None


def totals(engine: Engine, config: Config, user: str | None = None) -> pl.DataFrame:
    """Per user and system: the points total and the level it reaches."""
    frame = engine.query(
        "points/totals",
        {"committed": committed_seq(engine), "user": user},
        one_user=user is not None,
        some_users=False,
    )
    if frame.height == 0:
        return pl.DataFrame(schema=TOTALS_SCHEMA)
    systems = {s.key: s for s in config.points}
    levels = [
        level_of(systems[s], Decimal(str(t))) if s in systems else None
        for s, t in zip(frame["system"].to_list(), frame["total"].to_list(), strict=True)
    ]
    return frame.with_columns(level=pl.Series(levels, dtype=pl.String)).select(
        [pl.col(c).cast(t) for c, t in TOTALS_SCHEMA.items()]
    )


def ledger(engine: Engine, system: str | None = None, user: str | None = None) -> pl.DataFrame:
    """Ledger rows in award order."""
    return engine.query(
        "points/ledger",
        {"system": system, "user": user},
        one_system=system is not None,
        one_user=user is not None,
    )
