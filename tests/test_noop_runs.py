"""A run with nothing new does (almost) nothing: the jobs look for new events (and, for points,
new completions) first and skip the statements that would find none, so that a scheduled run
between batches costs little at any history size. Results stay those of the previous run."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from gamify_analytics import config
from gamify_analytics.api import Gamify
from tests.helpers.stores import GOLDEN

AS_OF = datetime(2024, 4, 8, tzinfo=UTC)
NOW_MS = int(datetime(2024, 5, 1, tzinfo=UTC).timestamp() * 1000)
#: The statements that read the history of the users they are given (the heavy ones).
HEAVY = {"streaks/upsert_chains", "points/award", "points/carry_total"}


def statements(caplog: pytest.LogCaptureFixture) -> set[str]:
    return {r.args[1] for r in caplog.records if r.name == "gamify_analytics.sql"}  # type: ignore[index]


def test_a_run_with_nothing_new_skips_the_heavy_statements(
    dsn: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    cfg = config.load(GOLDEN / "full.toml")
    with Gamify(cfg, dsn) as g:
        g.ingest([GOLDEN / "events.csv"], now_ms=NOW_MS)
        g.run(as_of=AS_OF)
        points, completions = g.points(), g.achievements()
        caplog.set_level(logging.DEBUG, logger="gamify_analytics.sql")
        later = AS_OF + timedelta(minutes=1)
        g.run(as_of=later)
        assert not HEAVY & statements(caplog)
        assert g.streaks().equals(g.streaks(as_of=later))  # the chains, judged at the new as-of
        assert g.points().equals(points)
        assert g.achievements().equals(completions)
        caplog.clear()
        late = tmp_path / "late.csv"
        late.write_text(
            "event_id,user_id,metric,value,ts,tz\nn1,bob,lessons,1,2024-04-07T12:00:00Z,UTC\n"
        )
        g.ingest([late], now_ms=NOW_MS)
        g.run(as_of=AS_OF + timedelta(minutes=2))
        assert {"streaks/upsert_chains", "points/award"} <= statements(caplog)
