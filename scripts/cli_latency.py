"""How long the command line takes to answer: `gamify --help`, and reads on a small embedded
store (the golden fixtures: 12 events, every job run), each the median wall time of 5 runs of
the installed `gamify` entry point, as a user starts it.

    .venv/bin/python scripts/cli_latency.py            # prints a Markdown section

Targets on an idle machine: `--help` within 0.3 s, a read within 1 s. The machine's load
(`uptime`) is printed with the figures: on a busy machine wall times are slower, so measure on
an idle one before comparing with the targets (BENCHMARKS.md keeps the figures). The CPU time
(user + system) of each command is printed too: it is what the wall time comes down to on an
idle machine, and it moves much less with the load."""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "fixtures" / "golden"
TARGETS = {"help": 0.3, "read": 1.0}
READS = [
    ["streaks"],
    ["points"],
    ["achievements"],
    ["leaderboard", "daily_lessons", "--format", "json"],
    ["dashboard", "overview", "--format", "json"],
]


def gamify_command() -> list[str]:
    """The `gamify` script installed beside this interpreter (else the one on PATH)."""
    beside = Path(sys.executable).with_name("gamify")
    found = str(beside) if beside.exists() else shutil.which("gamify")
    if found is None:
        sys.exit("no gamify entry point: pip install -e . first")
    return [found]


def run(args: list[str], cwd: Path) -> tuple[float, float]:
    """Wall and CPU (user + system) seconds of one command, which must succeed."""
    cpu = _children_cpu()
    started = time.perf_counter()
    done = subprocess.run(args, cwd=cwd, capture_output=True, text=True)
    took = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"{' '.join(args)} failed: {done.stderr.strip()}")
    return took, _children_cpu() - cpu


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def median_of(args: list[str], cwd: Path, runs: int) -> tuple[float, float]:
    """The median wall and CPU seconds of `runs` runs."""
    times = [run(args, cwd) for _ in range(runs)]
    return statistics.median(w for w, _ in times), statistics.median(c for _, c in times)


def small_store(gamify: list[str], folder: Path) -> list[str]:
    """The golden events and users in a new embedded store, every job run; the global options
    that read it."""
    base = [*gamify, "--config", str(GOLDEN / "full.toml"), "--dsn", f"chdb://{folder / 'store'}"]
    files = [str(GOLDEN / "events.csv"), "--users", str(GOLDEN / "users.csv")]
    run([*base, "ingest", *files, "--allow-rejects"], folder)
    run([*base, "run", "--as-of", "2024-04-08T00:00:00Z"], folder)
    return base


def git(*args: str) -> str:
    done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)
    return done.stdout.strip() or "unknown"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="Runs per command (the median).")
    runs = parser.parse_args().runs
    gamify = gamify_command()
    load = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        rows.append(("gamify --help", median_of([*gamify, "--help"], folder, runs), "help"))
        base = small_store(gamify, folder)
        for read in READS:
            rows.append(
                (f"gamify {' '.join(read)}", median_of([*base, *read], folder, runs), "read")
            )
    commit = git("rev-parse", "--short", "HEAD")
    print(f"- date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; commit {commit}")
    print(f"- machine: {os.cpu_count()} cores; load: `{load}`")
    print(f"- median wall time of {runs} runs each, the installed entry point\n")
    print("| command | wall s | CPU s | target (wall, idle) |")
    print("|---|---:|---:|---:|")
    for name, (wall, cpu), kind in rows:
        met = "met" if wall <= TARGETS[kind] else "missed"
        print(f"| `{name}` | {wall:.2f} | {cpu:.2f} | ≤ {TARGETS[kind]:g} ({met}) |")


if __name__ == "__main__":
    main()
