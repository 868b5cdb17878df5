"""`gamify demo`: the whole pipeline on the embedded default store, from nothing: its config and
its synthetic data."""

from __future__ import annotations

import json
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import polars as pl

from gamify_analytics.config import Config, parse
from gamify_analytics.ingest.load import IngestSummary
from gamify_analytics.jobs import JOBS, JobResult
from gamify_analytics.leaderboards import Standings

#: Told of each step of the demo as it starts (what it does, and how many units of work it
#: has when that is known); returns the function to call with each number of units done.
Steps = Callable[[str, int | None], Callable[[int], None]]


def _quiet(_description: str, _total: int | None) -> Callable[[int], None]:
    return lambda _done: None


DEMO_CONFIG = """
[[metrics]]
key = "lessons"

[[metrics]]
key = "minutes"

[[metrics]]
key = "quizzes"

[[streaks]]
key = "daily_lessons"
frequency = "daily"
conditions = [{ metric = "lessons", threshold = 1 }]
mode = "all"
freezes = { initial = 1, max = 2, earn_every = 7, earn_amount = 1 }

[[streaks]]
key = "weekly_practice"
frequency = "weekly"
conditions = [{ metric = "minutes", threshold = 30 }, { metric = "quizzes", threshold = 1 }]
mode = "any"

[[achievements]]
key = "lessons_100"
kind = "metric"
metric = "lessons"
threshold = 100

[[achievements]]
key = "streak_7"
kind = "streak"
streak = "daily_lessons"
length = 7

[[achievements]]
key = "busy_month"
kind = "period"
metric = "lessons"
period = "monthly"
threshold = 60

[[achievements]]
key = "all_rounder"
kind = "composite"
requires = ["lessons_100", "streak_7"]

[[points]]
key = "xp"
max_points = 1000000
triggers = [
  { metric = "lessons", points = 10, per = 1 },
  { achievement = "lessons_100", points = 500 },
  { streak = "daily_lessons", length = 7, points = 100 },
]
levels = [
  { key = "bronze", points = 0 },
  { key = "silver", points = 1000 },
  { key = "gold", points = 5000 },
]

[[leaderboards]]
key = "daily_xp"
rank_by = "points:xp"
period = "daily"
max_participants = 1000
breakdown = ["country"]
finalize_after_hours = 12

[[leaderboards]]
key = "monthly_lessons"
rank_by = "metric:lessons"
period = "monthly"
max_participants = 1000
"""

DEMO_DIR = Path(".gamify") / "demo"


def load_demo_config() -> Config:
    """The demo always runs on its own config: its data has the demo's metrics."""
    return parse(tomllib.loads(DEMO_CONFIG), "<built-in demo config>")


def write_demo_config(dsn: str) -> Path:
    """The demo's config as a file naming the demo's store, so that every other command can
    read the demo's results with `--config` (no command falls back to the demo's rules)."""
    DEMO_DIR.mkdir(parents=True, exist_ok=True)
    path = DEMO_DIR / "gamify.toml"
    path.write_text(
        f"# written by `gamify demo`\n{DEMO_CONFIG}\n[storage]\ndsn = {json.dumps(dsn)}\n",
        encoding="utf-8",
    )
    return path


def demo_files(users: int = 2000, days: int = 60) -> tuple[Path, Path]:
    """Generate (once) the demo's synthetic events and users."""
    from gamify_analytics.synthetic import generate, write

    events_path = DEMO_DIR / "events.parquet"
    users_path = DEMO_DIR / "events.users.parquet"
    if not (events_path.is_file() and users_path.is_file()):
        DEMO_DIR.mkdir(parents=True, exist_ok=True)
        events, user_frame = generate(users, days, seed=7)
        events_path, users_path = write(events, user_frame, events_path)
    return events_path, users_path


@dataclass(frozen=True)
class DemoResult:
    """What `gamify demo` shows: the store, the ingest, the jobs, and a taste of each result;
    `config`: the demo's config file, for the commands that read its results."""

    store: str
    config: str
    ingest: IngestSummary
    jobs: list[JobResult]
    stored_rows: dict[str, int]
    top_streaks: pl.DataFrame
    achievements: pl.DataFrame
    top_points: pl.DataFrame
    leaderboard: Standings


def run_demo(dsn: str | None = None, steps: Steps = _quiet) -> DemoResult:
    """The whole pipeline on the demo's data and config: ingest, every job (one step each, all
    as of the same instant), then reads."""
    import pyarrow.parquet as pq

    from gamify_analytics.api import Gamify

    steps("generating demo data (2,000 users, 60 days)", None)
    events_path, users_path = demo_files()
    rows = (
        pq.ParquetFile(events_path).metadata.num_rows + pq.ParquetFile(users_path).metadata.num_rows
    )
    with Gamify(load_demo_config(), dsn) as g:
        config = write_demo_config(g.dsn)
        done = steps(f"ingesting into {g.dsn}", rows)
        summary = g.ingest([events_path], users_path, progress=lambda _f, n: done(n))
        as_of, jobs = datetime.now(UTC), []
        for name in JOBS:
            steps(f"job {name}", None)
            jobs += g.run([name], as_of=as_of)
        steps("reading the results", None)
        board = g.leaderboard("daily_xp", run=date.today() - timedelta(days=2))
        return DemoResult(
            store=g.dsn,
            config=str(config),
            ingest=summary,
            jobs=jobs,
            stored_rows=dict(g.counts().iter_rows()),
            top_streaks=g.streaks().sort("length", "longest", descending=True).head(5),
            achievements=g.rarity(),
            top_points=g.points().sort("total", "user_id", descending=[True, False]).head(5),
            leaderboard=replace(board, entries=board.entries[:5]),
        )
