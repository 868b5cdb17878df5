"""`gamify bench`: real files, real engines, both engines in one run so ratios hold."""

from __future__ import annotations

import os
import platform
import resource
import shutil
import threading
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np
import polars as pl

from gamify_analytics import dashboard_rollups, dashboards, leaderboards, streaks
from gamify_analytics.api import Gamify
from gamify_analytics.config import Config, parse
from gamify_analytics.demo import DEMO_CONFIG, load_demo_config

BENCHMARKS_MD = Path("BENCHMARKS.md")
ENGINES = ("clickhouse", "duckdb")
NEW_DAY_JOBS = ("streaks", "achievements", "points", "leaderboards", "dashboards")
#: Steps of the history section whose peak RSS is reported (key prefix: label).
RSS_STEPS = {
    "ingest": "ingest the history",
    "streaks_full": "full streak recompute",
    "achievements_full": "full achievements job",
    "points_full": "full points job",
    "leaderboards_full": "finalize every run of the history",
    "dashboards_full": "full dashboards build",
    "newday_jobs": "one new day: all jobs",
    "dashboards": "dashboard reads",
}
READS = 20
SECTIONS = ("history", "crowd")
CROWD_BOARD = "crowd_daily"
Log = Callable[[str], None]


def _machine() -> str:
    cores = len(os.sched_getaffinity(0))
    meminfo = Path("/proc/meminfo")
    kib = meminfo.read_text().split()[1] if meminfo.exists() else ""
    gib = f"{int(kib) / 2**20:.0f} GiB" if kib.isdigit() else "?"
    return f"{platform.machine()}, {cores} cores, {gib}, Python {platform.python_version()}"


def _dataset(workdir: Path, users: int, days: int, events: int, log: Log) -> dict:
    """A generated history (all days but the last) and the last day as a separate file."""
    from gamify_analytics.fixtures import generate_parquet

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
        "history_as_of": cut_at,
        "as_of": cut_at + timedelta(days=1, hours=12),
    }


def _dsn(engine: str, store: Path) -> str:
    return f"chdb://{store}" if engine == "clickhouse" else f"duckdb://{store}"


def _timed(fn: Callable[[], object]) -> tuple[float, object]:
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def _rss_gib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 2**20
    return 0.0


def _peak_rss(out: dict[str, float], key: str, fn: Callable[[], object]) -> object:
    """`fn()`, keeping the highest RSS of this process while it ran (sampled every 50 ms) as
    `<key>_rss_gib`: ru_maxrss only knows the peak of the whole process."""
    peak, done = [_rss_gib()], threading.Event()

    def sample() -> None:
        while not done.wait(0.05):
            peak[0] = max(peak[0], _rss_gib())

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        return fn()
    finally:
        done.set()
        sampler.join()
        out[f"{key}_rss_gib"] = max(peak[0], _rss_gib())


def _remove(store: Path) -> None:
    if store.is_dir():
        shutil.rmtree(store)
    else:
        store.unlink(missing_ok=True)
        Path(f"{store}.wal").unlink(missing_ok=True)


def bench_engine(engine: str, data: dict, workdir: Path, log: Log) -> dict[str, float]:
    """Ingest the history, full streaks, achievements and points jobs, one new day (ingest,
    then every job incrementally), and the stored read, on a fresh store of `engine`.
    Seconds per step."""
    cfg = load_demo_config()
    store = workdir / f"store_{engine}"
    _remove(store)
    dsn = _dsn(engine, store)
    out: dict[str, float] = {}
    with Gamify(cfg, dsn) as g:
        g.init()

        def step(key: str, fn: Callable[[], object]) -> object:
            log(f"[{engine}] {RSS_STEPS[key]}")
            seconds, result = _timed(lambda: _peak_rss(out, key, fn))
            out[f"{key}_s"] = seconds
            peak = out[f"{key}_rss_gib"]
            log(f"[{engine}] {RSS_STEPS[key]}: {seconds:.1f} s, peak RSS {peak:.2f} GiB")
            return result

        summary = step("ingest", lambda: g.ingest([data["history"]]))
        out["events"] = summary.accepted  # type: ignore[attr-defined]
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
        out["newday_ingest_s"], day = _timed(lambda: g.ingest([data["new_day"]]))
        out["newday_events"] = day.accepted  # type: ignore[attr-defined]
        step("newday_jobs", lambda: _new_day_jobs(g, data["as_of"], out, log))
        out["stored_read_s"], frame = _timed(
            lambda: streaks.stored(g.engine, cfg, "daily_lessons", data["as_of"])
        )
        out["users"] = frame.height  # type: ignore[attr-defined]
        out.update(_bench_leaderboards(g, data["as_of"], log))
        step("dashboards", lambda: out.update(_bench_dashboards(g, log)))
    # each engine's figures as soon as they exist: a run cut short keeps the half it finished
    log(f"[{engine}] " + ", ".join(f"{k}={v:.3f}" for k, v in out.items()))
    _remove(store)
    return out


def _new_day_jobs(g: Gamify, as_of: datetime, out: dict[str, float], log: Log) -> None:
    """Every job once, in order, as the scheduler runs them; a job that fails is logged and
    timed as NaN, and the later ones still run (a bench cut short keeps what it measured)."""
    for job in NEW_DAY_JOBS:
        try:
            (r,) = g.run([job], as_of=as_of)
            out[f"newday_{job}_s"] = r["seconds"]
        except Exception as e:  # recorded, not hidden: the row shows NaN
            log(f"[{g.engine.kind}] {job} job FAILED: {e}")
            out[f"newday_{job}_s"] = float("nan")


def _bench_leaderboards(g: Gamify, as_of: datetime, log: Log) -> dict[str, float]:
    """Finalizing one run of the monthly board (most users take part) and one daily run;
    then reads: the live (provisional) top 1,000 of the current month and the final one of
    the month before, each 20 times (p50 and p95)."""
    out: dict[str, float] = {}
    for key in ("monthly_lessons", "daily_xp"):
        board = leaderboards.find(g.config, key)
        last = leaderboards.previous_key(
            leaderboards.run_key(as_of.date(), board.period), board.period
        )
        log(f"[{g.engine.kind}] finalize {key} {last}")
        out[f"finalize_{key}_s"], n = _timed(
            lambda board=board, last=last: leaderboards.finalize_run(
                g.engine, g.config, board, last, as_of
            )
        )
        out[f"participants_{key}"] = float(n)  # type: ignore[arg-type]
    month = leaderboards.run_key(as_of.date(), "monthly")
    out.update(_reads(g, "provisional", "monthly_lessons", month, as_of))
    prev = leaderboards.previous_key(month, "monthly")
    out.update(_reads(g, "final", "monthly_lessons", prev, as_of))
    return out


def _bench_dashboards(g: Gamify, log: Log) -> dict[str, float]:
    """Every dashboard over the whole stored range, no filters: p50 and p95 of READS runs,
    after one warm-up run."""
    out: dict[str, float] = {}
    current = dashboard_rollups.fingerprints(g.engine, g.config)
    for name in dashboards.NAMES:
        if dashboard_rollups.stored_fingerprints(g.engine).get(name) != current[name]:
            log(f"[{g.engine.kind}] dashboard {name}: no current rollups, not timed")
            out[f"dash_{name}_p50_s"] = out[f"dash_{name}_p95_s"] = float("nan")
            continue
        log(f"[{g.engine.kind}] dashboard {name}")
        out.update(_percentiles(f"dash_{name}", lambda name=name: g.dashboard(name)))
    return out


def _crowd_config() -> Config:
    """The demo config plus a daily board on lessons, for the 1M-participant run."""
    import tomllib

    raw = tomllib.loads(DEMO_CONFIG)
    raw["leaderboards"].append({"key": CROWD_BOARD, "rank_by": "metric:lessons", "period": "daily"})
    return parse(raw, "<bench config>")


def _crowd_dataset(workdir: Path, users: int, day: date) -> tuple[Path, Path, datetime]:
    """Every user takes part in one day: two lesson events each, 10:00–14:00 UTC, in zones
    where that is still the same local date (random values 1–19, so ties happen). Split at
    13:57:36 (the last 1% of the span): the rest, and the events after, and that instant."""
    start = datetime(day.year, day.month, day.day, 10, tzinfo=UTC)
    cut = start + timedelta(hours=4) * 0.99
    paths = tuple(workdir / f"crowd_{users}u_{day.isoformat()}.{p}.parquet" for p in ("a", "b"))
    if not all(p.is_file() for p in paths):
        rng = np.random.default_rng(1)
        who = np.repeat(np.arange(users), 2)
        zones = np.array(["UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata"])
        frame = pl.DataFrame(
            {
                "event_id": [f"c{i}" for i in range(2 * users)],
                "user_id": [f"u{u:07d}" for u in who],
                "metric": "lessons",
                "value": rng.integers(1, 20, 2 * users).astype(float),
                "ts": int(start.timestamp() * 1000) + rng.integers(0, 4 * 3600 * 1000, 2 * users),
                "tz": zones[who % len(zones)],
            }
        )
        ms = int(cut.timestamp() * 1000)
        frame.filter(pl.col("ts") <= ms).write_parquet(paths[0])
        frame.filter(pl.col("ts") > ms).write_parquet(paths[1])
    return paths[0], paths[1], cut


def bench_crowd(engine: str, users: int, workdir: Path, log: Log) -> dict[str, float]:
    """One daily run in which every one of `users` takes part: the leaderboards job while it is
    open (it stores the run's snapshot), the provisional top-1,000 read, then 1% more events
    and the read again, the run's finalization, and the final read."""
    day = datetime.now(UTC).date() - timedelta(days=2)
    first, rest, cut = _crowd_dataset(workdir, users, day)
    cfg = _crowd_config()
    board = leaderboards.find(cfg, CROWD_BOARD)
    store = workdir / f"crowd_{engine}"
    _remove(store)
    dsn = _dsn(engine, store)
    open_at = datetime(day.year, day.month, day.day, 23, tzinfo=UTC)
    out: dict[str, float] = {}
    with Gamify(cfg, dsn) as g:
        g.init()
        log(f"[{engine}] crowd: ingest one day of {users:,} users")
        out["crowd_ingest_s"], _ = _timed(lambda: g.ingest([first]))
        out["crowd_job_s"], _ = _timed(lambda: g.run(["leaderboards"], as_of=cut))
        out.update(_reads(g, "crowd_settled", CROWD_BOARD, day, open_at))
        _, late = _timed(lambda: g.ingest([rest]))
        out["crowd_after_job"] = late.accepted  # type: ignore[attr-defined]
        out.update(_reads(g, "crowd_provisional", CROWD_BOARD, day, open_at))
        log(f"[{engine}] crowd: finalize")
        due = leaderboards.due(day, board)
        out["crowd_finalize_s"], n = _timed(
            lambda: leaderboards.finalize_run(g.engine, cfg, board, day, due)
        )
        out["crowd_participants"] = float(n)  # type: ignore[arg-type]
        out.update(_reads(g, "crowd_final", CROWD_BOARD, day, open_at + timedelta(days=2)))
    log(f"[{engine}] " + ", ".join(f"{k}={v:.4f}" for k, v in out.items()))
    _remove(store)
    return out


def _reads(g: Gamify, name: str, key: str, run: date, as_of: datetime) -> dict[str, float]:
    """p50 and p95 of READS top-1,000 reads of one run."""
    return _percentiles(f"lb_{name}", lambda: g.leaderboard(key, run, "", as_of))


def _percentiles(name: str, fn: Callable[[], object]) -> dict[str, float]:
    """`<name>_p50_s` and `<name>_p95_s` of READS calls of `fn`, after one warm-up call."""
    fn()
    times = sorted(_timed(fn)[0] for _ in range(READS))
    return {
        f"{name}_p50_s": times[len(times) // 2],
        f"{name}_p95_s": times[int(len(times) * 0.95) - 1],
    }


def run_benchmarks(
    *,
    users: int,
    days: int,
    events: int,
    workdir: Path,
    record: bool,
    log: Log,
    sections: tuple[str, ...] = SECTIONS,
) -> list[dict]:
    """The sections asked for, each on both engines; a table row per figure."""
    workdir.mkdir(parents=True, exist_ok=True)
    rows: list[dict] = []
    notes: list[str] = []
    if "history" in sections:
        data = _dataset(workdir, users, days, events, log)
        res = {e: bench_engine(e, data, workdir, log) for e in ENGINES}
        rows += _history_rows(res["clickhouse"], res["duckdb"])
        rows += _rss_rows(res["clickhouse"], res["duckdb"])
        notes.append(
            f"{int(res['clickhouse']['events']):,} events, {users:,} users, {days} days "
            f"(+ one new day of {int(res['clickhouse']['newday_events']):,} events)"
        )
    if "crowd" in sections:
        res = {e: bench_crowd(e, users, workdir, log) for e in ENGINES}
        rows += _crowd_rows(res["clickhouse"], res["duckdb"])
        notes.append(f"a daily run in which all {users:,} users take part")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
    log(f"peak RSS {peak:.2f} GiB")
    if record:
        _record(rows, peak, "; ".join(notes))
    return rows


def _read_rows(ch: dict, dd: dict, name: str, label: str, target: str) -> list[dict]:
    return [
        _row(
            f"{label}, {q} of {READS} (ms)",
            ch[f"lb_{name}_{q}_s"] * 1000,
            dd[f"lb_{name}_{q}_s"] * 1000,
            target if q == "p95" else "",
        )
        for q in ("p50", "p95")
    ]


def _history_rows(ch: dict, dd: dict) -> list[dict]:
    return [
        _row(
            "ingest (events/s)",
            ch["events"] / ch["ingest_s"],
            dd["events"] / dd["ingest_s"],
            "≥ 2,000,000/s embedded",
            per_s=True,
        ),
        _row(
            "full streak recompute, 2 streaks (s)",
            ch["streaks_full_s"],
            dd["streaks_full_s"],
            "≤ 5 s and ≥ 3× faster than DuckDB",
        ),
        _row("one new day: ingest (s)", ch["newday_ingest_s"], dd["newday_ingest_s"], ""),
        _row("full achievements job (s)", ch["achievements_full_s"], dd["achievements_full_s"], ""),
        _row("full points job (s)", ch["points_full_s"], dd["points_full_s"], ""),
        _row("full dashboards build (s)", ch["dashboards_full_s"], dd["dashboards_full_s"], ""),
        *(
            _row(f"one new day: {job} job (s)", ch[f"newday_{job}_s"], dd[f"newday_{job}_s"], "")
            for job in NEW_DAY_JOBS
        ),
        _row(
            "one new day: all jobs (s)",
            sum(ch[f"newday_{job}_s"] for job in NEW_DAY_JOBS),
            sum(dd[f"newday_{job}_s"] for job in NEW_DAY_JOBS),
            "≤ 2 s",
        ),
        _row("stored streak read, all users (s)", ch["stored_read_s"], dd["stored_read_s"], ""),
        _row(
            "leaderboards: finalize every run of the history (s)",
            ch["leaderboards_full_s"],
            dd["leaderboards_full_s"],
            "",
        ),
        _row(
            f"finalize a monthly run, {int(ch['participants_monthly_lessons']):,} participants (s)",
            ch["finalize_monthly_lessons_s"],
            dd["finalize_monthly_lessons_s"],
            "",
        ),
        _row(
            f"finalize a daily run, {int(ch['participants_daily_xp']):,} participants (s)",
            ch["finalize_daily_xp_s"],
            dd["finalize_daily_xp_s"],
            "",
        ),
        *_read_rows(ch, dd, "provisional", "provisional top-1,000 read, monthly board", "≤ 50 ms"),
        *_read_rows(ch, dd, "final", "final top-1,000 read, monthly board", "≤ 10 ms"),
        *(
            _row(
                f"dashboard {name}, {q} of {READS} (ms)",
                ch[f"dash_{name}_{q}_s"] * 1000,
                dd[f"dash_{name}_{q}_s"] * 1000,
                "≤ 100 ms" if q == "p95" else "",
            )
            for name in dashboards.NAMES
            for q in ("p50", "p95")
        ),
    ]


def _rss_rows(ch: dict, dd: dict) -> list[dict]:
    return [
        _row(f"peak RSS: {label} (GiB)", ch[f"{key}_rss_gib"], dd[f"{key}_rss_gib"], "≤ 8 GB")
        for key, label in RSS_STEPS.items()
    ]


def _crowd_rows(ch: dict, dd: dict) -> list[dict]:
    n = f"{int(ch['crowd_participants']):,} participants"
    since = f"{int(ch['crowd_after_job']):,} events since the job"
    return [
        _row("crowd: ingest 99% of the day (s)", ch["crowd_ingest_s"], dd["crowd_ingest_s"], ""),
        _row("crowd: leaderboards job (s)", ch["crowd_job_s"], dd["crowd_job_s"], ""),
        *_read_rows(
            ch, dd, "crowd_settled", f"provisional top-1,000 read, {n}, none since the job", ""
        ),
        *_read_rows(
            ch, dd, "crowd_provisional", f"provisional top-1,000 read, {n}, {since}", "≤ 50 ms"
        ),
        _row(f"finalize a daily run, {n} (s)", ch["crowd_finalize_s"], dd["crowd_finalize_s"], ""),
        *_read_rows(ch, dd, "crowd_final", f"final top-1,000 read, {n}", "≤ 10 ms"),
    ]


def _row(name: str, ch: float, dd: float, target: str, per_s: bool = False) -> dict:
    ratio = ch / dd if per_s else dd / ch
    fmt = (lambda v: f"{v:,.0f}") if per_s else (lambda v: f"{v:.2f}")
    return {
        "benchmark": name,
        "clickhouse": fmt(ch),
        "duckdb": fmt(dd),
        "clickhouse_advantage": f"{ratio:.2f}×",
        "target": target,
    }


def _record(rows: list[dict], peak: float, data: str) -> None:
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        f"\n### {stamp} — {_machine()}\n",
        f"{data}; `gamify bench` with the demo config.\n",
        "| benchmark | embedded ClickHouse | DuckDB | ClickHouse advantage | target |",
        "|---|---:|---:|---:|---|",
    ]
    lines += [
        f"| {r['benchmark']} | {r['clickhouse']} | {r['duckdb']} | "
        f"{r['clickhouse_advantage']} | {r['target']} |"
        for r in rows
    ]
    lines.append(f"\nPeak RSS of the bench process: {peak:.2f} GiB.\n")
    with BENCHMARKS_MD.open("a") as f:
        f.write("\n".join(lines) + "\n")
