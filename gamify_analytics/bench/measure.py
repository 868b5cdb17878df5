"""Measuring a step: wall time, the process's peak memory while it runs, percentiles of
repeated reads, and the machine it ran on."""

from __future__ import annotations

import math
import os
import platform
import shutil
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path

#: Reads timed per figure (after one warm-up), and per figure of a slow read.
READS = 20
SLOW_READS = 5
#: The jobs of one new day, in order.
NEW_DAY_JOBS = ("streaks", "achievements", "points", "leaderboards", "dashboards")
#: The steps whose peak memory is measured, and how the log names them.
RSS_STEPS = {
    "ingest": "ingest the history",
    "bare_fold": "bare per-user fold of every streak (reference)",
    "streaks_full": "full streak recompute",
    "achievements_full": "full achievements job",
    "points_full": "full points job",
    "leaderboards_full": "finalize every run of the history",
    "dashboards_full": "full dashboards build",
    "newday_jobs": "one new day: all jobs",
    "dashboards": "dashboard reads",
}


def machine() -> str:
    cores = len(os.sched_getaffinity(0))
    meminfo = Path("/proc/meminfo")
    kib = meminfo.read_text().split()[1] if meminfo.exists() else ""
    gib = f"{int(kib) / 2**20:.0f} GiB" if kib.isdigit() else "?"
    return f"{platform.machine()}, {cores} cores, {gib}, Python {platform.python_version()}"


def load_average() -> str:
    """The 1, 5 and 15 minute load averages: a benchmark beside other work says so."""
    return " / ".join(f"{x:.2f}" for x in os.getloadavg())


def commit() -> str:
    """The commit the benchmark ran on (with `+dirty` for uncommitted changes), when it ran
    from a git checkout; `unknown` from an installed wheel."""
    root = Path(__file__).resolve().parents[2]

    def git(*args: str) -> str:
        out = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True)
        return out.stdout.strip() if out.returncode == 0 else ""

    head = git("rev-parse", "--short", "HEAD")
    if not head:
        return "unknown"
    return head + ("+dirty" if git("status", "--porcelain", "--untracked-files=no") else "")


def timed(fn: Callable[[], object]) -> tuple[float, object]:
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def rss_gib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 2**20
    return 0.0


def peak_rss(out: dict[str, float], key: str, fn: Callable[[], object]) -> object:
    """`fn()`, keeping the highest RSS of this process while it ran (sampled every 50 ms) as
    `<key>_rss_gib`: ru_maxrss only knows the peak of the whole process."""
    peak, done = [rss_gib()], threading.Event()

    def sample() -> None:
        while not done.wait(0.05):
            peak[0] = max(peak[0], rss_gib())

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        return fn()
    finally:
        done.set()
        sampler.join()
        out[f"{key}_rss_gib"] = max(peak[0], rss_gib())


def remove(store: Path) -> None:
    if store.is_dir():
        shutil.rmtree(store)
    else:
        store.unlink(missing_ok=True)
        Path(f"{store}.wal").unlink(missing_ok=True)


def percentiles(
    name: str, fn: Callable[[], object], slow_s: float | None = None
) -> dict[str, float]:
    """`<name>_p50_s` and `<name>_p95_s` (nearest rank) of READS calls of `fn` after one
    warm-up call, and `<name>_runs`; SLOW_READS calls when the warm-up took over `slow_s`
    seconds (a read computed exactly at 100M takes seconds: 20 of each would take an hour)."""
    warm_up, _ = timed(fn)
    runs = SLOW_READS if slow_s is not None and warm_up > slow_s else READS
    times = sorted(timed(fn)[0] for _ in range(runs))
    return {
        f"{name}_p50_s": times[math.ceil(len(times) * 0.5) - 1],
        f"{name}_p95_s": times[math.ceil(len(times) * 0.95) - 1],
        f"{name}_runs": float(runs),
    }
