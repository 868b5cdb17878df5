"""Time travel is safe (docs/jobs.md "Time travel"), on both engines.

The rule: jobs only move forward in time. A run whose as-of is earlier than a job's last run is
refused and changes nothing, unless it is `--full`, which recomputes from scratch as of that
instant. Completions already granted and finalized leaderboard runs are never taken back.

- A store run at T, asked to run as of 2001, refuses; `--full` as of 2001 then a run as of T
  leaves what a clean store run once at T leaves (on main at 246bbf0 the points of every
  achievement trigger stayed missing).
- The property: after any sequence of runs with any as-of values (some `--full`), each run is
  either refused and changes nothing, or leaves exactly the state of a clean store run once at
  its as-of. Where a `--full` went back before an earlier run, the records kept from the later
  instant (completions achieved after this as-of, runs finalized after it) are the only
  difference, and the only thing left out of the comparison.
"""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from gamify_analytics import config, jobs, leaderboards, streaks
from gamify_analytics.api import Gamify
from gamify_analytics.dashboards import NAMES, query
from gamify_analytics.synthetic import generate, write
from tests.helpers.hypothesis import examples_on
from tests.helpers.stores import StoreFactory

#: slow: clean stores at every instant, on both engines
pytestmark = pytest.mark.slow

END = date(2024, 3, 20)
DAYS = 12
RAW: dict[str, Any] = {
    "metrics": [{"key": "lessons"}, {"key": "minutes"}, {"key": "quizzes"}],
    "streaks": [
        {
            "key": "daily_lessons",
            "frequency": "daily",
            "conditions": [{"metric": "lessons", "threshold": 1}],
            "freezes": {"initial": 1, "max": 2, "earn_every": 3, "earn_amount": 1},
        },
        {
            "key": "weekly_quiz",
            "frequency": "weekly",
            "conditions": [{"metric": "quizzes", "threshold": 1}],
        },
    ],
    "achievements": [
        {"key": "lessons_5", "kind": "metric", "metric": "lessons", "threshold": 5},
        {"key": "streak_3", "kind": "streak", "streak": "daily_lessons", "length": 3},
        {
            "key": "busy_day",
            "kind": "period",
            "metric": "minutes",
            "period": "daily",
            "threshold": 30,
        },
        {"key": "both", "kind": "composite", "requires": ["lessons_5", "streak_3"]},
    ],
    "points": [
        {
            "key": "xp",
            "max_points": 400,
            "triggers": [
                {"metric": "lessons", "points": 10},
                {"achievement": "lessons_5", "points": 50},
                {"achievement": "both", "points": 20},
                {"streak": "daily_lessons", "length": 3, "points": 30},
            ],
            "levels": [{"key": "bronze", "points": 0}, {"key": "silver", "points": 100}],
        }
    ],
    "leaderboards": [
        {"key": "daily_xp", "rank_by": "points:xp", "period": "daily", "breakdown": ["country"]},
        {"key": "weekly_lessons", "rank_by": "metric:lessons", "period": "weekly"},
        {"key": "streaks", "rank_by": "streak:daily_lessons"},
    ],
}
#: The instants runs are made at: inside the data, at finalization times, after it all.
INSTANTS = [
    datetime(2024, 3, 12, 9, 30, tzinfo=UTC),
    datetime(2024, 3, 14, 12, 0, tzinfo=UTC),
    datetime(2024, 3, 16, 3, 0, tzinfo=UTC),
    datetime(2024, 3, 18, 12, 0, tzinfo=UTC),
    datetime(2024, 3, 25, 0, 0, tzinfo=UTC),
]
RUN_DAYS = [END - timedelta(days=d) for d in range(DAYS + 1)]
#: Examples per engine (each a new store, a few runs, a state read after each).
EXAMPLES = {"clickhouse": 4, "duckdb": 8}


def cfg() -> config.Config:
    return config.parse(RAW, "time_travel.toml")


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    events, users = generate(30, DAYS, end=END, seed=5)
    return write(events, users, tmp_path_factory.mktemp("tt") / "events.parquet")


#: (engine, as-of) -> the state of a clean store run once as of that instant
CLEAN: dict[tuple[str, datetime], dict[str, Any]] = {}


class Clean:
    """Loaded stores from `stores`, and the state of a clean store at each instant, computed
    once per engine (before any other store of the example is open: chdb opens one client at
    a time here)."""

    def __init__(self, stores: StoreFactory, engine: str, files: tuple[Path, Path]):
        self.stores, self.engine, self.files = stores, engine, files
        for as_of in INSTANTS:
            if (engine, as_of) not in CLEAN:
                with self.loaded() as g:
                    g.run(as_of=as_of)
                    CLEAN[engine, as_of] = state(g, as_of)

    def loaded(self) -> Gamify:
        g = Gamify(cfg(), self.stores.new())
        summary = g.ingest([self.files[0]], users=self.files[1])
        assert summary.accepted > 300 and not summary.rejected, summary
        return g

    def clean_state(self, as_of: datetime) -> dict[str, Any]:
        return CLEAN[self.engine, as_of]


def state(g: Gamify, as_of: datetime) -> dict[str, Any]:
    """Everything the jobs keep, as their reads show it as of `as_of` (bookkeeping such as
    run numbers left out; `backdated` says when an achievement was first evaluated, which is
    history by definition)."""
    out: dict[str, Any] = {}
    for s in g.config.streaks:
        out[f"streak {s.key}"] = streaks.stored(g.engine, g.config, s.key, as_of).sort("user_id")
    out["achievements"] = g.achievements().drop("backdated").sort(pl.all())
    out["ledger"] = g.ledger().sort(pl.all())
    out["points"] = g.points().sort(pl.all())
    for board in g.config.leaderboards:
        runs = (
            [None]
            if board.period == "perpetual" or board.rank_by.startswith("streak")
            else RUN_DAYS
        )
        for run in runs:
            doc = g.leaderboard(board.key, run=run, as_of=as_of)
            out[f"board {board.key} {doc['run']}"] = doc
    for name in NAMES:
        for panel, frame in query(g.engine, g.config, name).items():
            out[f"dashboard {name} {panel}"] = frame.drop("finalized_at", strict=False)
    return out


def assert_same(
    got: dict[str, Any], want: dict[str, Any], as_of: datetime, latest: datetime
) -> None:
    """`got` (a store whose latest run was as of `latest`) equals `want` (a clean store as of
    `as_of`), but for what a later run kept when a `--full` went back to `as_of`."""
    assert list(got) == list(want)
    went_back = as_of < latest
    for key, expected in want.items():
        actual = got[key]
        if went_back and key.startswith("dashboard"):
            continue  # counts of completions and final runs, kept from the later instant
        if went_back and key == "achievements":
            actual = actual.filter(pl.col("achieved_at") <= as_of)
        kept_final = key.startswith("board") and expected["status"] != actual["status"] == "final"
        if went_back and kept_final:
            run = date.fromisoformat(expected["run"])
            board = cfg().leaderboard(expected["leaderboard"])
            assert as_of < leaderboards.due(run, board) <= latest, key
            continue
        if isinstance(expected, pl.DataFrame):
            assert actual.equals(expected), (key, actual, expected)
        else:
            assert actual == expected, key


def test_going_back_is_refused_and_full_then_forward_equals_a_clean_store(
    stores: StoreFactory, engine_name: str, files: tuple[Path, Path]
) -> None:
    stores = Clean(stores, engine_name, files)
    t, early = INSTANTS[-1], datetime(2001, 1, 1, tzinfo=UTC)
    with stores.loaded() as g:
        g.run(as_of=t)
        before = state(g, t)
        assert_same(before, stores.clean_state(t), t, t)
        assert before["ledger"].filter(pl.col("trigger") == 1).height > 0  # achievement awards
        with pytest.raises(jobs.AsOfRefused, match="--full"):
            g.run(as_of=early)
        assert_same(state(g, t), before, t, t)  # nothing changed
        g.run(as_of=early, full=True)
        assert g.points()["total"].sum() == 0  # as of 2001: nothing earned yet
        g.run(as_of=t)
        assert_same(state(g, t), before, t, t)


@pytest.mark.slow
def test_any_sequence_of_runs_leaves_a_clean_stores_state(
    stores: StoreFactory, engine_name: str, files: tuple[Path, Path]
) -> None:
    stores = Clean(stores, engine_name, files)
    sequences = st.lists(
        st.tuples(st.sampled_from(INSTANTS), st.booleans()), min_size=2, max_size=4
    )
    counter = itertools.count()
    a, b, c, d, e = INSTANTS

    @examples_on(engine_name, EXAMPLES)
    @given(sequences)
    # refused, then a --full back, then forward to before and past the latest instant
    @example([(d, False), (b, False), (a, True), (c, False), (e, False)])
    def one(runs: list[tuple[datetime, bool]]) -> None:
        next(counter)
        with stores.loaded() as g:
            latest: datetime | None = None
            last: datetime | None = None
            for as_of, full in runs:
                if not full and last is not None and as_of < last:
                    before = state(g, last)
                    with pytest.raises(jobs.AsOfRefused):
                        g.run(as_of=as_of)
                    assert_same(state(g, last), before, last, last)
                    continue
                g.run(as_of=as_of, full=full)
                last = as_of
                latest = max(latest or as_of, as_of)
                assert_same(state(g, as_of), stores.clean_state(as_of), as_of, latest)

    one()
    assert next(counter) > 1
