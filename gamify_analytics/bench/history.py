"""The history section: a generated store (100M events by default), every job on it in full
and for one new day, leaderboard finalization and reads, every dashboard; one engine at a time."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import polars as pl

from gamify_analytics import leaderboards, periods, streaks
from gamify_analytics.api import Gamify
from gamify_analytics.bench.measure import (
    NEW_DAY_JOBS,
    RSS_STEPS,
    peak_rss,
    percentiles,
    remove,
    timed,
)
from gamify_analytics.config import Config
from gamify_analytics.dashboards import NAMES, Filters, rollups
from gamify_analytics.demo import load_demo_config
from gamify_analytics.engines import dsn as dsns

Log = Callable[[str], None]


def dataset(workdir: Path, users: int, days: int, events: int, log: Log) -> dict:
    """A generated history (all days but the last) and the last day as a separate file."""
    from gamify_analytics.synthetic import generate_parquet, users_path

    base = workdir / f"events_{users}u_{days}d_{events}"
    full = base.with_suffix(".parquet")
    hist, new = Path(f"{base}.history.parquet"), Path(f"{base}.newday.parquet")
    end = datetime.now(UTC).date() - timedelta(days=1)
    if hist.is_file() and new.is_file():  # generated earlier: its last day is the new day
        first_ms = pl.scan_parquet(new).select(pl.col("ts").min()).collect().item()
        end = datetime.fromtimestamp(first_ms / 1000, UTC).date()
    else:
        rate = events / (users * days)
        log(f"generating {users:,} users × {days} days at {rate:.3f} events/user/day → {full}")
        generate_parquet(users, days, full, seed=1, end=end, events_per_user_day=rate)
        cut = int(datetime(end.year, end.month, end.day, tzinfo=UTC).timestamp() * 1000)
        pl.scan_parquet(full).filter(pl.col("ts") < cut).sink_parquet(hist)
        pl.scan_parquet(full).filter(pl.col("ts") >= cut).sink_parquet(new)
        full.unlink()
    cut_at = datetime(end.year, end.month, end.day, tzinfo=UTC)
    return {
        "history": hist,
        "new_day": new,
        "users": users_path(full),
        "history_as_of": cut_at,
        "as_of": cut_at + timedelta(days=1, hours=12),
    }


def bench_engine(engine: str, data: dict, workdir: Path, log: Log) -> dict[str, float]:
    """Ingest the history, full streaks, achievements and points jobs, one new day (ingest,
    then every job incrementally), and the stored read, on a fresh store of `engine`.
    Seconds per step."""
    cfg = load_demo_config()
    store = workdir / f"store_{engine}"
    remove(store)
    dsn = dsns.of_engine(engine, store)
    out: dict[str, float] = {}
    with Gamify(cfg, dsn) as g:
        g.init()

        def step(key: str, fn: Callable[[], object]) -> object:
            log(f"[{engine}] {RSS_STEPS[key]}")
            seconds, result = timed(lambda: peak_rss(out, key, fn))
            out[f"{key}_s"] = seconds
            peak = out[f"{key}_rss_gib"]
            log(f"[{engine}] {RSS_STEPS[key]}: {seconds:.1f} s, peak RSS {peak:.2f} GiB")
            return result

        log(f"[{engine}] users (attribute filters select from them)")
        g.ingest([], users=data["users"])
        summary = step("ingest", lambda: g.ingest([data["history"]]))
        out["events"] = summary.accepted  # type: ignore[attr-defined]
        step("bare_fold", lambda: bare_fold(g, data["history_as_of"]))
        for job in ("streaks", "achievements", "points"):
            step(
                f"{job}_full", lambda job=job: g.run([job], as_of=data["history_as_of"], full=True)
            )
        step("leaderboards_full", lambda: g.run(["leaderboards"], as_of=data["history_as_of"]))
        # the new day's dashboards job then updates this build, as a scheduled run does
        step(
            "dashboards_full",
            lambda: g.run(["dashboards"], as_of=data["history_as_of"], full=True),
        )
        out["newday_ingest_s"], day = timed(lambda: g.ingest([data["new_day"]]))
        out["newday_events"] = day.accepted  # type: ignore[attr-defined]
        step("newday_jobs", lambda: _new_day_jobs(g, data["as_of"], out, log))
        # an immediate re-run has nothing new: what a job costs beyond its new data
        _new_day_jobs(g, data["as_of"] + timedelta(minutes=1), out, log, "noop")
        out["stored_read_s"], frame = timed(
            lambda: streaks.stored(g.engine, cfg, "daily_lessons", data["as_of"])
        )
        out["users"] = frame.height  # type: ignore[attr-defined]
        out.update(_bench_leaderboards(g, data["as_of"], log))
        step("dashboards", lambda: out.update(_bench_dashboards(g, log)))
    # each engine's figures as soon as they exist: a run cut short keeps the half it finished
    log(f"[{engine}] " + ", ".join(f"{k}={v:.3f}" for k, v in out.items()))
    remove(store)
    return out


def bare_fold(g: Gamify, as_of: datetime) -> None:
    """The reference for the full streak recompute: every streak of the config as a bare
    per-user fold of its periods over the same store (`sql/common/bench/bare_fold.sql`)."""
    for streak in g.config.streaks:
        params, ctx = periods.streak_params(g.engine, streak, as_of, None)
        g.engine.query("bench/bare_fold", params, **ctx)


def _new_day_jobs(
    g: Gamify, as_of: datetime, out: dict[str, float], log: Log, prefix: str = "newday"
) -> None:
    """Every job once, in order, as the scheduler runs them, timed as `{prefix}_{job}_s`; a
    job that fails is logged and timed as NaN, and the later ones still run (a bench cut short
    keeps what it measured)."""
    for job in NEW_DAY_JOBS:
        try:
            (r,) = g.run([job], as_of=as_of)
            out[f"{prefix}_{job}_s"] = r["seconds"]
        except Exception as e:  # recorded, not hidden: the row shows NaN
            log(f"[{g.engine.driver}] {job} job FAILED: {e}")
            out[f"{prefix}_{job}_s"] = float("nan")


def _bench_leaderboards(g: Gamify, as_of: datetime, log: Log) -> dict[str, float]:
    """Finalizing one run of the monthly board (most users take part) and one daily run;
    then reads: the live (provisional) top 1,000 of the current month and the final one of
    the month before, each 20 times (p50 and p95)."""
    out: dict[str, float] = {}
    for key in ("monthly_lessons", "daily_xp"):
        board = g.config.leaderboard(key)
        last = periods.previous_key(periods.run_key(as_of.date(), board.period), board.period)
        log(f"[{g.engine.driver}] finalize {key} {last}")
        out[f"finalize_{key}_s"], n = timed(
            lambda board=board, last=last: leaderboards.finalize_run(
                g.engine, g.config, board, last, as_of
            )
        )
        out[f"participants_{key}"] = float(n)  # type: ignore[arg-type]
    month = periods.run_key(as_of.date(), "monthly")
    out.update(reads(g, "provisional", "monthly_lessons", month, as_of))
    prev = periods.previous_key(month, "monthly")
    out.update(reads(g, "final", "monthly_lessons", prev, as_of))
    return out


def _bench_dashboards(g: Gamify, log: Log) -> dict[str, float]:
    """Every dashboard over the whole stored range, with each filter of `read_filters`: p50 and
    p95 of READS runs after one warm-up run (SLOW_READS when it took over a second)."""
    out: dict[str, float] = {}
    current = rollups.fingerprints(g.engine, g.config)
    for name in NAMES:
        if rollups.stored_fingerprints(g.engine).get(name) != current[name]:
            log(f"[{g.engine.driver}] dashboard {name}: no current rollups, not timed")
            for kind in READ_FILTERS:
                for q in ("p50", "p95", "runs"):
                    out[f"dash_{name}{kind}_{q}{'' if q == 'runs' else '_s'}"] = float("nan")
            continue
        for kind, f in read_filters(g.config).items():
            log(f"[{g.engine.driver}] dashboard {name}{kind}")
            out.update(
                percentiles(f"dash_{name}{kind}", lambda n=name, f=f: g.dashboard(n, f), 1.0)
            )
    return out


#: The filters each dashboard is read with: none, a metric, a user attribute, both.
READ_FILTERS = ("", "_metric", "_attribute", "_both")
#: The attribute filter: the most common country of the generated users.
BENCH_ATTRIBUTE = ("country", "US")


def read_filters(config: Config) -> dict[str, Filters]:
    metric, attr = config.metrics[0], (BENCH_ATTRIBUTE,)
    return dict(
        zip(
            READ_FILTERS,
            (
                Filters(),
                Filters(metric=metric),
                Filters(attributes=attr),
                Filters(metric=metric, attributes=attr),
            ),
            strict=True,
        )
    )


def reads(g: Gamify, name: str, key: str, run: date, as_of: datetime) -> dict[str, float]:
    """p50 and p95 of READS top-1,000 reads of one run."""
    return percentiles(f"lb_{name}", lambda: g.leaderboard(key, run, "", as_of))
