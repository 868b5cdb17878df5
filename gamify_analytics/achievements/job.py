"""The `achievements` job: completions, written once and never revoked.

The rules and the job's incremental contract are in docs/achievements.md. Each kind is one SQL
statement (`sql/common/achievements/`); streak milestones come from the streak statements
(`sql/common/streaks/milestones.sql`).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from gamify_analytics import periods, watermarks
from gamify_analytics.config import Achievement, Config
from gamify_analytics.engines import Engine, naive_utc

META_KEY = watermarks.ACHIEVEMENTS
#: The shortest period of each frequency, in days (bounds how many periods a span holds).
MIN_PERIOD_DAYS = {"daily": 1, "weekly": 7, "monthly": 28}


def milestone_lengths(config: Config) -> dict[str, set[int]]:
    """Per streak, the chain lengths that an achievement or a points trigger names."""
    out: dict[str, set[int]] = {}
    for a in config.achievements:
        if a.kind == "streak":
            out.setdefault(a.streak, set()).add(a.length)
    for system in config.points:
        for t in system.triggers:
            if t.streak:
                out.setdefault(t.streak, set()).add(t.length)
    return out


def run_job(engine: Engine, config: Config, as_of: datetime, *, full: bool = False) -> int:
    """The `achievements` job: streak milestones, then metric, period and streak
    achievements, then composites in dependency order. Returns the completions it made."""
    run = watermarks.begin(engine, META_KEY, as_of, full)
    new_metrics = _new_metrics(engine, run)
    run.state["milestones"] = _milestones(engine, config, run, bool(new_metrics))
    previous = run.previous.get("achievements", {})
    evaluated = {}
    for a in _in_dependency_order(config.achievements):
        fp = watermarks.fingerprint(a, _streak_of(config, a))
        seen = previous.get(a.key)
        renewed = seen is None or seen["fingerprint"] != fp
        fresh = run.fresh or renewed
        first = run.as_of.isoformat() if renewed else seen["first_as_of"]
        evaluated[a.key] = {"fingerprint": fp, "first_as_of": first}
        if not fresh and a.kind in ("metric", "period") and a.metric not in new_metrics:
            continue  # trigger mapping: no new event of its metric
        _evaluate(engine, a, run, fresh, datetime.fromisoformat(first))
    run.state["achievements"] = evaluated
    made = engine.scalar("achievements/count_run", {"seq": run.seq}) or 0
    run.commit(engine)
    return int(made)


def _new_metrics(engine: Engine, run: watermarks.Run) -> set[str] | None:
    """Metrics of the new events; None when everything is evaluated afresh."""
    return None if run.fresh else watermarks.new_metrics(engine, run.params())


def _milestones(engine: Engine, config: Config, run: watermarks.Run, any_new: bool) -> dict:
    """Store new milestones for every tracked (streak, length); a new length or a changed
    streak is evaluated over all history."""
    previous = run.previous.get("milestones", {})
    state = {}
    for key, lengths in sorted(milestone_lengths(config).items()):
        streak = config.streak(key)
        fp = watermarks.rules_fingerprint(streak)
        seen = previous.get(key, {})
        if seen.get("fingerprint") != fp:
            watermarks.clear(engine, "streak_milestones", "streak", key)
            seen = {}
        known = set(seen.get("lengths", [])) if not run.fresh else set()
        # the stored chains can narrow the users only if they are as of this very instant
        prefilter = watermarks.streak_as_of(engine, streak) == run.as_of
        for lengths_now, fresh in ((lengths & known, False), (lengths - known, True)):
            if not lengths_now or not (fresh or any_new):
                continue
            for part in watermarks.buckets(engine, fresh):
                params, ctx = periods.streak_params(
                    engine, streak, run.as_of, None, touched=not fresh
                )
                news_ctx, news_params = watermarks.new_events_ctx(fresh)
                params.update(
                    run.params(),
                    **news_params,
                    **part["params"],
                    lengths=sorted(lengths_now),
                    min_length=min(lengths_now),
                    max_length=max(lengths_now),
                    min_period_days=MIN_PERIOD_DAYS[streak.frequency],
                )
                ctx["prefilter"] = prefilter
                ctx["bucketed"] = part["bucketed"]
                engine.execute("streaks/milestones", params, **ctx, **news_ctx)
        state[key] = {"fingerprint": fp, "lengths": sorted(lengths)}
    return state


def _evaluate(
    engine: Engine, a: Achievement, run: watermarks.Run, fresh: bool, first: datetime
) -> None:
    params: dict[str, Any] = {
        **run.params(),
        "achievement": a.key,
        "first_evaluated": naive_utc(first),
    }
    if a.kind in ("metric", "period"):
        ctx, news = watermarks.new_events_ctx(fresh, [a.metric], a.filters)
        params.update(news, metric=a.metric, threshold=Decimal(str(a.threshold)))
        if a.kind == "period":
            engine.execute("achievements/period", params, **ctx, period=a.period)
            return
        scope = {"scope": f"achievement:{a.key}", "counters": ["total"]}
        if fresh:
            watermarks.clear(engine, "progress", "scope", scope["scope"])
        params.update(scope)
        for part in watermarks.buckets(engine, fresh):
            bound = {**params, **part["params"]}
            engine.execute("achievements/metric", bound, **ctx, bucketed=part["bucketed"])
            engine.execute(
                "jobs/carry_totals",
                bound,
                **ctx,
                counter="'total'",
                per_metric=False,
                bucketed=part["bucketed"],
            )
    elif a.kind == "streak":
        params.update(streak=a.streak, length=a.length)
        engine.execute("achievements/streak", params, fresh=fresh)
    else:
        params.update(requires=list(a.requires), required=len(a.requires))
        engine.execute("achievements/composite", params, fresh=fresh)


def _streak_of(config: Config, a: Achievement) -> str | None:
    """A streak achievement's definition includes its streak's rules."""
    if a.kind != "streak":
        return None
    return watermarks.rules_fingerprint(config.streak(a.streak or ""))


def _in_dependency_order(items: tuple[Achievement, ...]) -> list[Achievement]:
    """Composites after what they require (the config has no cycles)."""
    index = {a.key: a for a in items}
    out: list[Achievement] = []
    seen: set[str] = set()

    def visit(a: Achievement) -> None:
        if a.key in seen:
            return
        seen.add(a.key)
        for r in a.requires:
            visit(index[r])
        out.append(a)

    for a in items:
        visit(a)
    return out
