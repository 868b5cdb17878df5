"""The `points` job: the award ledger of every points system, with running totals.

Rules and the incremental contract: docs/achievements.md. One SQL statement per system and run
(`sql/common/points/award.sql`) builds the candidates and folds them per user with clamping.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from gamify_analytics import watermarks
from gamify_analytics.config import Config, PointsSystem
from gamify_analytics.engines import Engine

META_KEY = watermarks.POINTS
#: Without `max_points` totals are unbounded; Decimal(38, 6) holds this with room to spare.
NO_CAP = Decimal(10) ** 30


def _fingerprint(config: Config, system: PointsSystem) -> str:
    """Triggers, cap and the rules of the streaks and achievements they name (levels are
    applied when read, so changing them needs no re-evaluation)."""
    named: list = [config.streak(t.streak) for t in system.triggers if t.streak]
    wanted = {t.achievement for t in system.triggers}
    named += [a for a in config.achievements if a.key in wanted]
    return watermarks.fingerprint(system.triggers, system.max_points, named)


def run_job(engine: Engine, config: Config, as_of: datetime, *, full: bool = False) -> int:
    """The `points` job: append this run's awards to the ledger of every system."""
    run = watermarks.begin(engine, META_KEY, as_of, full)
    upstream = watermarks.committed_seq(engine, watermarks.ACHIEVEMENTS)
    previous = run.previous.get("systems", {})
    new = set() if run.fresh else watermarks.new_metrics(engine, run.params())
    systems = {}
    # rows of this sequence are left only by a run that crashed before committing: the ledger
    # is summed without deduplication (leaderboards), so they go first
    watermarks.clear(engine, "points_ledger", "seq", run.seq, "UInt64")
    for system in config.points:
        fp = _fingerprint(config, system)
        seen = previous.get(system.key)
        fresh = run.fresh or seen is None or seen["fingerprint"] != fp
        scope = f"points:{system.key}"
        if fresh:
            watermarks.clear(engine, "points_ledger", "system", system.key)
            watermarks.clear(engine, "progress", "scope", scope)
        metrics = sorted({t.metric for t in system.triggers if t.metric})
        ctx, params = watermarks.new_events_ctx(fresh, metrics)
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
        # no new event of its metrics and no new completion upstream: nothing to award
        idle = not fresh and not new & set(metrics) and not _new_upstream(engine, params)
        for part in [] if idle else watermarks.buckets(engine, fresh):
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
        if not idle:
            engine.execute("points/carry_total", params)
        rebuilt = run.seq if fresh else seen.get("rebuilt", 0)
        systems[system.key] = {"fingerprint": fp, "consumed": upstream, "rebuilt": rebuilt}
    run.state["systems"] = systems
    awarded = engine.scalar("points/count_run", {"seq": run.seq}) or 0
    run.commit(engine)
    return int(awarded)


def _new_upstream(engine: Engine, params: dict[str, Any]) -> bool:
    """Whether a completion or milestone is new to this run (stored since the sequence it
    consumed last, or fallen due since its as-of)."""
    return bool(engine.scalar("points/any_new_upstream", params))


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
