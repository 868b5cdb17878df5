"""The crowd section: one daily leaderboard run with every user taking part, finalized and
read (the finalized read's target is about a run of a million participants)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np
import polars as pl

from gamify_analytics import leaderboards
from gamify_analytics.api import Gamify
from gamify_analytics.bench.history import reads
from gamify_analytics.bench.measure import remove, timed
from gamify_analytics.config import Config, parse
from gamify_analytics.demo import DEMO_CONFIG
from gamify_analytics.engines import dsn as dsns

Log = Callable[[str], None]
CROWD_BOARD = "crowd_daily"


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
    board = cfg.leaderboard(CROWD_BOARD)
    store = workdir / f"crowd_{engine}"
    remove(store)
    dsn = dsns.of_engine(engine, store)
    open_at = datetime(day.year, day.month, day.day, 23, tzinfo=UTC)
    out: dict[str, float] = {}
    with Gamify(cfg, dsn) as g:
        g.init()
        log(f"[{engine}] crowd: ingest one day of {users:,} users")
        out["crowd_ingest_s"], _ = timed(lambda: g.ingest([first]))
        out["crowd_job_s"], _ = timed(lambda: g.run(["leaderboards"], as_of=cut))
        out.update(reads(g, "crowd_settled", CROWD_BOARD, day, open_at))
        _, late = timed(lambda: g.ingest([rest]))
        out["crowd_after_job"] = late.accepted  # type: ignore[attr-defined]
        out.update(reads(g, "crowd_provisional", CROWD_BOARD, day, open_at))
        log(f"[{engine}] crowd: finalize")
        due = leaderboards.due(day, board)
        out["crowd_finalize_s"], n = timed(
            lambda: leaderboards.finalize_run(g.engine, cfg, board, day, due)
        )
        out["crowd_participants"] = float(n)  # type: ignore[arg-type]
        out.update(reads(g, "crowd_final", CROWD_BOARD, day, open_at + timedelta(days=2)))
    log(f"[{engine}] " + ", ".join(f"{k}={v:.4f}" for k, v in out.items()))
    remove(store)
    return out
