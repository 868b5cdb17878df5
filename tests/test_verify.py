"""`gamify verify`: a clean store has no drift; a corrupted aggregate is reported exactly."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from gamify_analytics.api import Gamify
from gamify_analytics.cli import app
from gamify_analytics.config import load
from gamify_analytics.dashboards import rollups
from tests.helpers import sql
from tests.helpers.stores import GOLDEN

#: The golden metrics with a streak, an achievement, points and a leaderboard.
CONFIG = GOLDEN / "full.toml"
AS_OF = datetime(2025, 1, 1, tzinfo=UTC)
CHECKS = ["daily_metrics", "streak_chains:daily_lessons", "points_totals", "dashboard_rollups"]


@pytest.fixture
def store(dsn: str) -> Iterator[Gamify]:
    """The golden events and users ingested, every job run as of AS_OF."""
    with Gamify(load(CONFIG), dsn) as g:
        g.ingest([GOLDEN / "events.csv"], users=GOLDEN / "users.csv")
        g.run(as_of=AS_OF)
        yield g


def corrupt(g: Gamify) -> None:
    """Add 5 to one stored day of alice's lessons and 1 to one of her points awards."""
    sql.run(g.engine, "corrupt_alice")


def test_a_clean_store_has_no_drift(store: Gamify) -> None:
    rows = store.verify(sample=1000, seed=7)
    assert [r["check"] for r in rows] == CHECKS
    assert all(r["sampled"] > 0 for r in rows), rows
    assert [r["drifted"] for r in rows] == [0, 0, 0, 0], rows


def test_a_corrupted_aggregate_is_reported_exactly(store: Gamify) -> None:
    corrupt(store)
    rows = {r["check"]: r for r in store.verify(sample=1000, seed=7)}
    assert rows["daily_metrics"]["drifted"] == 1
    assert rows["daily_metrics"]["example"] == (
        "alice/lessons/2024-03-10: value_sum stored 6 ≠ recomputed 1"
    )
    assert rows["points_totals"]["drifted"] == 1
    assert rows["points_totals"]["example"] == "alice/xp: total stored 30 ≠ recomputed 31"
    assert rows["streak_chains:daily_lessons"]["drifted"] == 0


def test_a_rollup_that_disagrees_with_the_tables_is_reported(store: Gamify) -> None:
    """A build of the overview whose DAU is off by one everywhere, under the current
    fingerprint (as a bug in the job would leave it)."""
    build = rollups.load(store.engine, "overview")
    assert build is not None
    frames = dict(build.frames)
    frames["active_users"] = frames["active_users"].with_columns(pl.col("dau") + 1)
    rollups.store(
        store.engine,
        "overview",
        build.fingerprint,
        build.first_day,
        build.last_day,
        frames,
        build.basis,
    )
    row = {r["check"]: r for r in store.verify(sample=1000, seed=7)}["dashboard_rollups"]
    assert row["drifted"] == 1 and row["example"].startswith("overview.active_users ")


def test_the_sample_is_limited_to_n_keys(store: Gamify) -> None:
    daily = store.verify(sample=2, seed=3)[0]
    assert (daily["check"], daily["sampled"]) == ("daily_metrics", 2)


@pytest.mark.slow
def test_cli_exits_non_zero_on_drift(store: Gamify, dsn: str, tmp_path: Path) -> None:
    store.close()  # the command opens the store itself
    args = ["--config", str(CONFIG), "--dsn", dsn, "verify", "--seed", "1", "--format", "json"]
    clean = CliRunner().invoke(app, args)
    assert clean.exit_code == 0, clean.output
    assert [r["drifted"] for r in json.loads(clean.stdout)] == [0, 0, 0, 0]
    corrupt(store)
    store.close()
    drifted = CliRunner().invoke(app, args)
    assert drifted.exit_code == 1
    assert json.loads(drifted.stdout)[0]["drifted"] == 1
    # the rollups were built from the tables before they were corrupted: they may disagree too
    assert drifted.stderr.startswith("gamify: drift found: daily_metrics (1), points_totals (1)")
