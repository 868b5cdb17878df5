"""`gamify bench`: real files, real engines, both engines in one run so ratios hold."""

from __future__ import annotations

import resource
from collections.abc import Callable
from pathlib import Path

from gamify_analytics.bench import results
from gamify_analytics.bench.crowd import bench_crowd
from gamify_analytics.bench.history import bench_engine, dataset
from gamify_analytics.bench.ingest import bench_ingest, text_samples
from gamify_analytics.bench.measure import load_average
from gamify_analytics.demo import load_demo_config

ENGINES = ("clickhouse", "duckdb")
SECTIONS = ("history", "crowd", "ingest")
Log = Callable[[str], None]


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
    load_before = load_average()
    log(f"load average {load_before}")
    rows: list[dict] = []
    notes: list[str] = []
    config = load_demo_config()
    if "history" in sections:
        data = dataset(workdir, users, days, events, log)
        res = {e: bench_engine(e, data, workdir, log) for e in ENGINES}
        rows += results.history_rows(res["clickhouse"], res["duckdb"], len(config.streaks))
        rows += results.rss_rows(res["clickhouse"], res["duckdb"])
        notes.append(
            f"{int(res['clickhouse']['events']):,} events, {users:,} users, {days} days "
            f"(+ one new day of {int(res['clickhouse']['newday_events']):,} events)"
        )
    if "ingest" in sections:
        data = dataset(workdir, users, days, events, log)
        samples = text_samples(workdir, data["history"])
        res = {e: bench_ingest(e, data["history"], samples, workdir, log) for e in ENGINES}
        rows += results.ingest_rows(res["clickhouse"], res["duckdb"])
        notes.append(
            f"ingest: the history file ({int(res['clickhouse']['ingest_only_events']):,} events), "
            f"text formats on its first {int(res['clickhouse']['csv_events']):,}"
        )
    if "crowd" in sections:
        res = {e: bench_crowd(e, users, workdir, log) for e in ENGINES}
        rows += results.crowd_rows(res["clickhouse"], res["duckdb"])
        notes.append(f"a daily run in which all {users:,} users take part")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
    log(f"peak RSS {peak:.2f} GiB")
    if record:
        results.record(rows, peak, "; ".join(notes), load_before)
    return rows
