"""The points job carries each user's total from run to run: the total after the user's last
award of the latest run, even when that run's awards are dated before an earlier run's (a late
event). On ClickHouse a select-list alias once shadowed the run filter, so the carried total was
the latest by date over every run."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from gamify_analytics import config
from gamify_analytics.api import Gamify
from tests.helpers.stores import GOLDEN

#: (event id, ts, run as-of): a lesson is worth 10 xp; the second arrives late, dated the day
#: before the first.
BATCHES = [
    ("a1", "2024-04-05T10:00:00Z", datetime(2024, 4, 5, 12, tzinfo=UTC)),
    ("a2", "2024-04-04T10:00:00Z", datetime(2024, 4, 5, 13, tzinfo=UTC)),
    ("a3", "2024-04-05T14:00:00Z", datetime(2024, 4, 5, 15, tzinfo=UTC)),
]


def test_a_late_award_is_carried(dsn: str, tmp_path: Path) -> None:
    cfg = config.load(GOLDEN / "full.toml")
    with Gamify(cfg, dsn) as g:
        for i, (event_id, ts, as_of) in enumerate(BATCHES, start=1):
            path = tmp_path / f"{event_id}.csv"
            path.write_text(
                f"event_id,user_id,metric,value,ts,tz\n{event_id},ana,lessons,1,{ts},UTC\n"
            )
            g.ingest([path], now_ms=int(as_of.timestamp() * 1000))
            g.run(["points"], as_of=as_of)
            assert g.points(user="ana")["total"].to_list() == [10 * i], event_id
