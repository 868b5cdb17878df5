"""The streaks job: incremental runs between batches give exactly a full recompute."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import polars as pl
import pytest

from gamify_analytics import config, streaks, watermarks
from gamify_analytics.api import Gamify
from gamify_analytics.synthetic import generate

END = date(2024, 4, 10)
CFG = config.parse(
    {
        "metrics": [{"key": "lessons"}, {"key": "minutes"}, {"key": "quizzes"}],
        "streaks": [
            {
                "key": "daily",
                "frequency": "daily",
                "conditions": [{"metric": "lessons", "threshold": 1}],
                "freezes": {"initial": 1, "max": 3, "earn_every": 5, "earn_amount": 1},
            },
            {
                "key": "weekly",
                "frequency": "weekly",
                "mode": "any",
                "conditions": [
                    {"metric": "minutes", "threshold": 60},
                    {"metric": "quizzes", "threshold": 2},
                ],
                "freezes": {"initial": 0, "max": 1, "earn_every": 2},
            },
        ],
    }
)


def _batches(tmp_path: Path) -> list[tuple[Path, datetime]]:
    """Events of 150 users over 40 days, cut into 4 files by time, plus a late file that
    back-fills old days (so a batch also changes periods before the previous run's as-of)."""
    events, _ = generate(150, 40, end=END, seed=3)
    cut = [datetime(2024, 3, d, tzinfo=UTC) for d in (12, 22, 31)] + [
        datetime(2024, 4, 12, tzinfo=UTC)
    ]
    ms = [int(c.timestamp() * 1000) for c in cut]
    late = events.filter(pl.col("event_id").str.slice(-1) == "7")
    rest = events.filter(pl.col("event_id").str.slice(-1) != "7")
    files, lo = [], 0
    for i, (hi, t) in enumerate(zip(ms, cut, strict=True)):
        part = rest.filter((pl.col("ts") >= lo) & (pl.col("ts") < hi))
        if i == 2:
            part = pl.concat([part, late.filter(pl.col("ts") < hi)])
        path = tmp_path / f"batch{i}.parquet"
        part.write_parquet(path)
        files.append((path, t - timedelta(hours=1)))
        lo = hi
    rest_late = late.filter(pl.col("ts") >= ms[2])
    files[-1][0].unlink()
    last = pl.concat([rest.filter(pl.col("ts") >= ms[2]), rest_late])
    last.write_parquet(files[-1][0])
    return files


@pytest.mark.parametrize("margin", [timedelta(0), watermarks.INFLIGHT_MARGIN])
@pytest.mark.slow
def test_incremental_runs_equal_a_full_recompute(
    dsn: str, tmp_path: Path, margin: timedelta
) -> None:
    """With no in-flight margin most users continue their stored chains (the batches are
    seconds apart); with the default margin every user is recomputed whole."""
    files = _batches(tmp_path)
    now_ms = int(datetime(2024, 5, 1, tzinfo=UTC).timestamp() * 1000)
    with Gamify(CFG, dsn) as g:
        for path, as_of in files:
            g.ingest([path], now_ms=now_ms)
            streaks.run_job(g.engine, CFG, as_of, inflight_margin=margin)
        as_of = files[-1][1]
        for key in ("daily", "weekly"):
            incremental = streaks.stored(g.engine, CFG, key, as_of)
            live = streaks.compute(g.engine, CFG, key, as_of)
            assert incremental.height > 100
            assert incremental.equals(live), key
        g.run(["streaks"], as_of=as_of, full=True)
        for key in ("daily", "weekly"):
            assert streaks.stored(g.engine, CFG, key, as_of).equals(
                streaks.compute(g.engine, CFG, key, as_of)
            )
        statuses = set(streaks.compute(g.engine, CFG, "daily", as_of)["status"].to_list())
        assert {"at_risk", "broken"} <= statuses


def test_a_repeated_run_changes_nothing(dsn: str, tmp_path: Path) -> None:
    path, as_of = _batches(tmp_path)[0]
    with Gamify(CFG, dsn) as g:
        g.ingest([path], now_ms=int(as_of.timestamp() * 1000) + 86_400_000)
        g.run(["streaks"], as_of=as_of)
        first = streaks.stored(g.engine, CFG, "daily", as_of)
        g.run(["streaks"], as_of=as_of)
        assert streaks.stored(g.engine, CFG, "daily", as_of).equals(first)


def test_dashboard_aggregates_agree_with_per_user_state(dsn: str, tmp_path: Path) -> None:
    """Streak aggregates: totals, length distribution and per-period counts equal what the
    per-user state and history say."""
    files = _batches(tmp_path)
    as_of = files[1][1]
    with Gamify(CFG, dsn) as g:
        for path, _ in files[:2]:
            g.ingest([path], now_ms=int(datetime(2024, 5, 1, tzinfo=UTC).timestamp() * 1000))
        g.run(["streaks"], as_of=as_of)
        for key in ("daily", "weekly"):
            agg = streaks.aggregates(g.engine, CFG, key, as_of)
            state = streaks.compute(g.engine, CFG, key, as_of)
            hist = streaks.history(g.engine, CFG, key, as_of)
            alive = state.filter(pl.col("status").is_in(["active", "at_risk"]))
            totals = agg["totals"].row(0, named=True)
            counts = dict(state.group_by("status").len().iter_rows())
            assert totals["users"] == state.height
            for status in ("active", "at_risk", "broken", "none"):
                assert totals[status] == counts.get(status, 0), status
            assert totals["max_length"] == (alive["length"].max() or 0)
            assert abs(totals["avg_length"] - (alive["length"].mean() or 0)) < 1e-9
            assert totals["longest_ever"] == state["longest"].max()
            assert totals["freezes_consumed"] == hist["used_freeze"].sum()
            lengths = alive.group_by("length").len().sort("length")
            assert agg["lengths"].rows() == lengths.rows()
            per_period = hist.filter("qualified").group_by("period").len().sort("period")
            assert agg["per_period"].rows() == per_period.rows()


def _lessons_then_runs(
    g: Gamify,
    tmp_path: Path,
    batches: list[list[tuple[str, str, str, str]]],
    as_ofs: list[datetime],
) -> None:
    """Per batch of lessons (event_id, user, ts, tz): ingest it, then an incremental streaks run
    as of its instant, with no in-flight margin (so that stored chains are continued)."""
    for i, (batch, as_of) in enumerate(zip(batches, as_ofs, strict=True)):
        path = tmp_path / f"b{i}.csv"
        pl.DataFrame(
            [(e, u, "lessons", "1", ts, tz) for e, u, ts, tz in batch],
            schema=["event_id", "user_id", "metric", "value", "ts", "tz"],
            orient="row",
        ).write_csv(path)
        g.ingest([path], now_ms=int(as_of.timestamp() * 1000))
        streaks.run_job(g.engine, CFG, as_of, inflight_margin=timedelta(0))


#: Per user: stored events, then new ones (event_id, ts, tz): a user back after a month, a new
#: event in the stored last period, a new day in a zone 26 h ahead whose period starts before
#: the stored last one (UTC-12, then UTC+14: the last period is redone from the one before),
#: and a user without a chain.
CONTINUED = {
    "back": (
        [("b1", "2024-11-01T10:00:00Z", "UTC"), ("b2", "2024-11-02T10:00:00Z", "UTC")],
        [("b3", "2024-12-06T00:30:00Z", "UTC")],
    ),
    "same": (
        [("p1", "2024-12-04T10:00:00Z", "UTC"), ("p2", "2024-12-05T10:00:00Z", "UTC")],
        [("p3", "2024-12-05T20:00:00Z", "UTC")],
    ),
    "edge": (
        [(f"e{d}", f"2024-12-0{d}T00:00:00Z", "Etc/GMT+12") for d in (4, 5, 6)],
        [("e7", "2024-12-05T11:00:00Z", "Pacific/Kiritimati")],
    ),
    "new": ([], [("n1", "2024-12-06T00:45:00Z", "UTC")]),
}


@pytest.mark.parametrize("user", list(CONTINUED))
def test_continued_chains_read_only_what_new_events_touch(
    dsn: str, tmp_path: Path, user: str
) -> None:
    """A continued chain rereads only the periods new events touch (and a redone last
    period), however old its stored period, and ends as a full recompute would have it. One
    user per store: the days read are bounded by the earliest any user needs."""
    first, second = datetime(2024, 12, 6, 1, tzinfo=UTC), datetime(2024, 12, 6, 2, tzinfo=UTC)
    batches = [[(e, user, ts, tz) for e, ts, tz in batch] for batch in CONTINUED[user]]
    with Gamify(CFG, dsn) as g:
        _lessons_then_runs(g, tmp_path, batches, [first, second])
        stored = streaks.stored(g.engine, CFG, "daily", second)
        assert stored.height == 1
        assert stored.equals(streaks.compute(g.engine, CFG, "daily", second))


def test_another_users_earlier_reread_does_not_readmit_a_chains_periods(
    dsn: str, tmp_path: Path
) -> None:
    """The rows reread start at the earliest any seed needs; each user's own periods before
    its start are dropped. A's chain holds 12-05 (UTC+14) before its last period 12-04 (UTC-12,
    later in time); B's new event on 12-05 makes the reread start there, and A's 12-05 came back
    after its seed (length 4 where a recompute says 3)."""
    batches = [
        [
            ("a1", "A", "2024-12-04T11:00:00Z", "Pacific/Kiritimati"),
            ("a2", "A", "2024-12-04T13:00:00Z", "Etc/GMT+12"),
            ("b1", "B", "2024-12-04T10:00:00Z", "UTC"),
        ],
        [("a3", "A", "2024-12-06T10:00:00Z", "UTC"), ("b2", "B", "2024-12-05T10:00:00Z", "UTC")],
    ]
    as_ofs = [datetime(2024, 12, 5, tzinfo=UTC), datetime(2024, 12, 6, 12, tzinfo=UTC)]
    with Gamify(CFG, dsn) as g:
        _lessons_then_runs(g, tmp_path, batches, as_ofs)
        stored = streaks.stored(g.engine, CFG, "daily", as_ofs[1])
        assert stored.equals(streaks.compute(g.engine, CFG, "daily", as_ofs[1]))
        assert stored.filter(pl.col("user_id") == "A")["length"].to_list() == [3]
