"""The erasure tests' scenario: synthetic users over two ingests (the second with late events,
as NDJSON) and two job runs, with every kind of board; the same data without the erased users
(for the store that never had them); a scan of every table for the users' ids; and the reads
that must not change for everyone else."""

from __future__ import annotations

import dataclasses
import json
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import polars as pl
from polars.testing import assert_frame_equal

from gamify_analytics import dashboards
from gamify_analytics.api import Gamify
from gamify_analytics.config import Config, load
from gamify_analytics.dashboards import rollups
from gamify_analytics.engines import Engine
from gamify_analytics.synthetic import generate, write
from tests.helpers.rules import RULES

END = date(2024, 4, 10)
#: Two of the busiest users (they lead boards, earn achievements and have rejected rows).
ERASED = ("u000002", "u000006")

CONFIG = (
    RULES
    + """
[[leaderboards]]
key = "day_lessons"
rank_by = "metric:lessons"
period = "daily"
breakdown = ["country"]
max_participants = 1000

[[leaderboards]]
key = "week_xp"
rank_by = "points:xp"
period = "weekly"
max_participants = 1000

[[leaderboards]]
key = "day_top3"
rank_by = "metric:lessons"
period = "daily"
max_participants = 3

[[leaderboards]]
key = "all_minutes"
rank_by = "metric:minutes"
period = "perpetual"

[[leaderboards]]
key = "streaky"
rank_by = "streak:daily"
"""
)


@dataclass(frozen=True)
class Scenario:
    """The files of one store's history, and when its job runs are as of."""

    config: Config
    config_path: Path
    a: Path
    b: Path
    users: Path
    t1: datetime
    t2: datetime

    def build(self, g: Gamify) -> None:
        """Ingest A, run every job as of T1, ingest B (new days, late events), run as of T2."""
        g.ingest([self.a], users=self.users)
        g.run(as_of=self.t1)
        g.ingest([self.b])
        g.run(as_of=self.t2)


def scenarios(root: Path, users: int = 40, days: int = 12) -> tuple[Scenario, Scenario]:
    """(with everyone, without the ERASED users): the same rows otherwise, in the same files."""
    events, people = generate(users, days, end=END, seed=3, duplicates=0.02, malformed=0.03)
    assert set(ERASED) <= set(people["user_id"].to_list())
    config_path = root / "gamify.toml"
    config_path.write_text(CONFIG)
    cut = int(events.height * 0.6)
    first = events.slice(0, cut).with_row_index("_i")
    late = first.filter(pl.col("_i") % 11 == 4).drop("_i")
    a_rows = first.filter(pl.col("_i") % 11 != 4).drop("_i")
    b_rows = pl.concat([events.slice(cut), late])
    t1 = _instant(a_rows) - timedelta(hours=6)
    t2 = _instant(b_rows) + timedelta(days=2)
    out = []
    for name, keep in (("all", pl.lit(True)), ("without", ~pl.col("user_id").is_in(ERASED))):
        folder = root / name
        a, users_path = write(a_rows.filter(keep), people.filter(keep), folder / "a.csv")
        b, _ = write(b_rows.filter(keep), people.filter(keep), folder / "b.ndjson")
        out.append(Scenario(load(config_path), config_path, a, b, users_path, t1, t2))
    return out[0], out[1]


def _instant(rows: pl.DataFrame) -> datetime:
    """The latest well-formed `ts` of the rows (whole seconds)."""
    parsed = rows["ts"].str.to_datetime("%Y-%m-%dT%H:%M:%S%.fZ", time_zone="UTC", strict=False)
    latest = parsed.filter(parsed < datetime(2030, 1, 1, tzinfo=UTC)).max()
    assert isinstance(latest, datetime)
    return latest.replace(microsecond=0)


# --- traces ---------------------------------------------------------------------------------
def traces(engine: Engine, ids: tuple[str, ...] = ERASED) -> list[str]:
    """Where any of `ids` still appears as a whole word: every string (or nested) column of
    every table of the store, and every panel of every stored dashboard build, decoded."""
    word = re.compile("|".join(rf"(?<!\w){re.escape(i)}(?!\w)" for i in ids))
    found = []
    for table in engine.tables():
        sql = f"SELECT * FROM {engine.database}.{table}"
        frame = pl.from_arrow(engine.query_sql(sql, {}))
        assert isinstance(frame, pl.DataFrame)
        found += [f"{table}.{c}" for c in _columns_with(frame, word)]
    for name in dashboards.NAMES:
        build = rollups.load(engine, name)
        for panel, frame in (build.frames if build else {}).items():
            found += [f"dashboard_rollups {name}.{panel}.{c}" for c in _columns_with(frame, word)]
    return found


def _columns_with(frame: pl.DataFrame, word: re.Pattern[str]) -> list[str]:
    hits = []
    for column, dtype in frame.schema.items():
        if dtype == pl.String or dtype.is_nested():
            values = frame[column].to_list()
            if any(v is not None and word.search(json.dumps(v, default=str)) for v in values):
                hits.append(column)
    return hits


# --- what an erasure must leave as it was ----------------------------------------------------
def final_runs(g: Gamify) -> list[tuple[str, date, str]]:
    """Every (board, run, group) of the final runs stored."""
    frame = g.engine.query_sql(
        f"SELECT DISTINCT board, run, grp FROM {g.engine.database}.leaderboard_final", {}
    )
    rows = pl.from_arrow(frame)
    assert isinstance(rows, pl.DataFrame)
    return sorted(rows.iter_rows())


def standings(g: Gamify, runs: list[tuple[str, date, str]], as_of: datetime) -> dict[str, Any]:
    """Each final run's standings as the API serves them, `amended` aside."""
    out = {}
    for board, run, group in runs:
        doc = dataclasses.asdict(g.leaderboard(board, run, group, as_of))
        doc.pop("amended")
        out[f"{board} {run} {group!r}"] = doc
    return out


def others(frame: pl.DataFrame) -> pl.DataFrame:
    """The rows of users who were not erased, in a stable order."""
    return frame.filter(~pl.col("user_id").is_in(ERASED)).sort(frame.columns)


def reads(g: Gamify, as_of: datetime) -> dict[str, pl.DataFrame]:
    """Everything served about users other than the erased ones, and every dashboard (the
    leaderboards' finalization times aside)."""
    out = {
        "streaks": others(g.streaks(as_of=as_of)),
        "achievements": others(g.achievements()),
        "points": others(g.points()),
        "ledger": others(g.ledger()),
        "rarity": g.rarity().sort("achievement"),
    }
    for name in dashboards.NAMES:
        for panel, frame in g.dashboard(name).items():
            out[f"dashboard {name}.{panel}"] = frame.drop("finalized_at", strict=False)
    return out


def assert_same(got: dict[str, pl.DataFrame], want: dict[str, pl.DataFrame], what: str) -> None:
    """Frames of the same names equal (values, not dtypes: engines differ in integer widths)."""
    assert set(got) == set(want), what
    for name, frame in want.items():
        try:
            assert_frame_equal(got[name], frame, check_dtypes=False)
        except AssertionError as e:
            raise AssertionError(f"{name} differs from {what}: {e}") from None
