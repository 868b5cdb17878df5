"""Two concurrent runs of the leaderboards job on one store cannot both finalize."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest

from gamify_analytics import config, jobs, leaderboards
from gamify_analytics.api import Gamify
from gamify_analytics.engines import Engine, connect
from tests.helpers.stores import GOLDEN

CONFIG = config.parse(
    {
        "metrics": [{"key": m} for m in ("lessons", "minutes", "quizzes")],
        "leaderboards": [{"key": "daily", "rank_by": "metric:lessons", "period": "daily"}],
    }
)
AS_OF = datetime(2025, 1, 1, tzinfo=UTC)


def test_concurrent_leaderboard_runs_finalize_each_run_once(
    ch_engine: Engine, chdb_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from gamify_analytics.engines import clickhouse

    # a second client of this process's store (the probe for another process is skipped)
    monkeypatch.setattr(clickhouse, "_check_unlocked", lambda _path: None)
    dsn = f"chdb://{chdb_root}?database={ch_engine.database}"
    with Gamify(CONFIG, dsn) as g:
        g.ingest([GOLDEN / "events.csv"])
    real = leaderboards.job.finalize_run
    finalizing, second_done = threading.Event(), threading.Event()

    def held_finalize(*args: object, **kw: object) -> int:
        finalizing.set()
        second_done.wait(60)  # the first run stays inside the job until the second has tried
        return real(*args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(leaderboards.job, "finalize_run", held_finalize)
    outcomes: dict[str, object] = {}

    def run(name: str) -> None:
        with connect(dsn) as engine:
            try:
                outcomes[name] = jobs.run(engine, CONFIG, ["leaderboards"], as_of=AS_OF)
            except jobs.JobBusy as e:
                outcomes[name] = e
            finally:
                if name == "second":
                    second_done.set()

    first = threading.Thread(target=run, args=("first",))
    first.start()
    assert finalizing.wait(60)
    second = threading.Thread(target=run, args=("second",))
    second.start()
    second.join(120)
    first.join(120)

    assert isinstance(outcomes["second"], jobs.JobBusy), outcomes
    assert "job 'leaderboards' is already running" in str(outcomes["second"])
    [summary] = outcomes["first"]  # type: ignore[misc]
    runs = ch_engine.query("leaderboards/runs", {"board": "daily"}, one_run=False)
    # the golden lessons fall on 7 local dates (2011-12-29, 2011-12-31, 2024-01-01,
    # 2024-03-09, 2024-03-10, 2024-04-06, 2024-04-07): each run finalized exactly once
    assert summary["rows"] == runs.height == 7
    assert runs["run"].n_unique() == runs.height
    # and a later run finalizes nothing again
    assert jobs.run(ch_engine, CONFIG, ["leaderboards"], as_of=AS_OF)[0]["rows"] == 0
