"""The `streaks` job: every streak's chains as of an instant, stored per user
(`streak_chains`), for reads that judge them without scanning events (docs/streaks.md)."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta

from gamify_analytics import periods, watermarks
from gamify_analytics.config import Config
from gamify_analytics.engines import Engine, naive_utc


def run_job(
    engine: Engine,
    config: Config,
    as_of: datetime,
    *,
    full: bool = False,
    inflight_margin: timedelta | None = None,
) -> int:
    """Store every streak's chains as of `as_of`.

    Incremental by default: only users with events ingested since the previous run (minus a
    safety margin for inserts in flight), or whose events fell due since its as-of, are
    touched. Those whose new events all lie after their stored last period, or after the one
    before it, continue their stored chain from that period's state with the later periods
    only (time proportional to the new data); the others (late events, users without a
    stored chain) are recomputed whole. A first run, a changed streak definition, an as-of
    earlier than the previous one, or `full` recomputes everyone. Either way the stored rows
    equal a full recompute's.
    """
    as_of = as_of.astimezone(UTC)
    if inflight_margin is None:
        inflight_margin = watermarks.INFLIGHT_MARGIN if engine.concurrent_writers else timedelta(0)
    rows = 0
    watermark = watermarks.watermark(engine)
    for streak in config.streaks:
        meta_key = watermarks.streak_key(streak)
        previous = json.loads(engine.scalar("admin/get_meta", {"key": meta_key}) or "null")
        fingerprint = watermarks.rules_fingerprint(streak)
        continuing = (
            not full
            and previous is not None
            and previous["fingerprint"] == fingerprint
            and datetime.fromisoformat(previous["as_of"]) <= as_of
        )
        if continuing:
            since = datetime.fromisoformat(previous["watermark"]) - inflight_margin
            extra = {
                "since": naive_utc(since),
                "previous_as_of": naive_utc(datetime.fromisoformat(previous["as_of"])),
            }
            # nothing new (no event ingested since, none fallen due): the chains stand as they are
            window = {"as_of": naive_utc(as_of), **extra}
            modes = ("changed_only", "seeded") if watermarks.new_metrics(engine, window) else ()
            # changed users who cannot continue their stored chain first: recomputed whole;
            # then the rest continue their stored chains with their new periods only
            for mode in modes:
                params, ctx = periods.streak_params(engine, streak, as_of, None, **{mode: True})
                params.update(extra, version=time.time_ns())
                engine.execute("streaks/upsert_chains", params, **ctx)
        else:
            if previous is not None:
                # the stored chains go before the new ones are written: a run killed in between
                # must leave no state to continue from, so that the next run, even without
                # `full`, recomputes them too (tests/test_faults.py)
                engine.execute("admin/set_meta", {"key": meta_key, "value": "null"})
            engine.execute("streaks/clear_chains", {"streak": streak.key})
            for part in watermarks.buckets(engine, fresh=True):
                params, ctx = periods.streak_params(engine, streak, as_of, None)
                params.update(part["params"], version=time.time_ns())
                engine.execute("streaks/upsert_chains", params, **ctx, bucketed=part["bucketed"])
        rows += engine.scalar("streaks/count_chains", {"streak": streak.key}) or 0
        state = {
            "fingerprint": fingerprint,
            "as_of": as_of.isoformat(),
            "watermark": watermark.isoformat(),
        }
        engine.execute("admin/set_meta", {"key": meta_key, "value": json.dumps(state)})
    return rows
