"""`gamify bench` (§13): measured on real files and real engines, ratios from one run."""

from __future__ import annotations

import os
import platform
import resource
import shutil
import time
import tomllib
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from gamify_analytics.api import Gamify
from gamify_analytics.config import parse
from gamify_analytics.demo import DEMO_CONFIG

BENCHMARKS_MD = Path("BENCHMARKS.md")


def _machine() -> str:
    cores = len(os.sched_getaffinity(0))
    mem = Path("/proc/meminfo").read_text().split()[1] if Path("/proc/meminfo").exists() else "?"
    gib = f"{int(mem) / 2**20:.0f} GiB" if mem.isdigit() else "?"
    return f"{platform.machine()}, {cores} cores, {gib}, Python {platform.python_version()}"


def _events_file(workdir: Path, events: int, log: Callable[[str], None]) -> Path:
    from gamify_analytics.fixtures import generate_parquet

    days = 100
    users = max(1, events // days)
    path = workdir / f"events_{events}.parquet"
    if not path.is_file():
        log(f"generating {users:,} users × {days} days (~{events:,} events) → {path}")
        generate_parquet(users, days, path, seed=1)
    return path


def _remove(store: Path) -> None:
    if store.is_dir():
        shutil.rmtree(store)
    else:
        store.unlink(missing_ok=True)


def bench_ingest(workdir: Path, path: Path, engine: str) -> dict:
    """Load one Parquet file into a fresh store of `engine`; events per second."""
    cfg = parse(tomllib.loads(DEMO_CONFIG), "<demo>")
    store = workdir / f"store_{engine}"
    _remove(store)
    dsn = f"chdb://{store}" if engine == "clickhouse" else f"duckdb://{store}"
    with Gamify(cfg, dsn) as g:
        g.init()
        t0 = time.perf_counter()
        summary = g.ingest([path])
        seconds = time.perf_counter() - t0
    _remove(store)
    return {
        "benchmark": "ingest parquet",
        "engine": engine,
        "events": summary.accepted,
        "seconds": round(seconds, 2),
        "events_per_s": round(summary.accepted / seconds),
    }


def run_benchmarks(
    *, events: int, workdir: Path, record: bool, log: Callable[[str], None]
) -> list[dict]:
    workdir.mkdir(parents=True, exist_ok=True)
    path = _events_file(workdir, events, log)
    results = []
    for engine in ("clickhouse", "duckdb"):
        log(f"ingest into {engine}…")
        results.append(bench_ingest(workdir, path, engine))
    ch, dd = results
    ratio = ch["events_per_s"] / dd["events_per_s"]
    for r in results:
        r["target"] = "≥ 2,000,000 events/s (embedded)" if r["engine"] == "clickhouse" else ""
    results.append(
        {
            "benchmark": "ingest ratio clickhouse/duckdb",
            "engine": "",
            "events": ch["events"],
            "seconds": "",
            "events_per_s": round(ratio, 2),
            "target": "",
        }
    )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
    log(f"peak RSS {peak:.2f} GiB")
    if record:
        _record(results, peak)
    return results


def _record(results: list[dict], peak_gib: float) -> None:
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        f"\n### {stamp} — {_machine()}\n",
        "| benchmark | engine | events | seconds | events/s (or ratio) | target |",
        "|---|---|---:|---:|---:|---|",
    ]
    for r in results:
        eps = r["events_per_s"]
        eps = f"{eps:,}" if isinstance(eps, int) else f"{eps}×"
        lines.append(
            f"| {r['benchmark']} | {r['engine']} | {r['events']:,} | {r['seconds']} | "
            f"{eps} | {r['target']} |"
        )
    lines.append(f"\nPeak RSS of the bench process: {peak_gib:.2f} GiB.\n")
    with BENCHMARKS_MD.open("a") as f:
        f.write("\n".join(lines) + "\n")
