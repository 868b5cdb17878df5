"""`gamify erase` (docs/operations.md "Erasure"), on both engines: after an erasure no table of
the store holds the users' ids, `verify` finds no drift, everyone else's streaks, achievements,
points and dashboards read as before, and every final leaderboard run equals the run a store
that never had the users' events finalized; a kill -9 at any point, then a re-run with the same
ids, ends the same way."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import polars as pl
import pytest

from gamify_analytics import erase as erase_mod
from gamify_analytics import text
from gamify_analytics.api import Gamify
from gamify_analytics.config import load
from gamify_analytics.engines import StoreError
from gamify_analytics.engines import dsn as dsns
from gamify_analytics.errors import InputError
from tests.helpers import kill, sql
from tests.helpers.cli import gamify
from tests.helpers.erasure import (
    ERASED,
    Scenario,
    assert_same,
    final_runs,
    reads,
    scenarios,
    standings,
    traces,
)
from tests.helpers.stores import ENGINE_PARAMS, GOLDEN, StoreFactory

ROOT = Path(__file__).resolve().parents[1]
AS_OF = datetime(2025, 1, 1, tzinfo=UTC)


@pytest.fixture
def golden(dsn: str) -> Iterator[Gamify]:
    """The golden events and users with a streak, an achievement, points and a daily board,
    every job run: alice leads the board on 2024-03-09 and 2024-03-10."""
    with Gamify(load(GOLDEN / "full.toml"), dsn) as g:
        g.ingest([GOLDEN / "events.csv"], users=GOLDEN / "users.csv")
        g.run(as_of=AS_OF)
        yield g


def test_erasing_alice_leaves_no_trace_and_no_drift(golden: Gamify) -> None:
    before = golden.leaderboard("daily_lessons", date(2024, 3, 10))
    assert [e.user_id for e in before.entries][:1] == ["alice"] and not before.amended
    done = golden.erase(["alice"])
    assert (done.users, done.resumed, done.rows["events"]) == (1, False, 4)
    assert done.runs_amended == 2 and len(done.digest) == 64
    assert traces(golden.engine, ("alice",)) == []
    assert [c.drifted for c in golden.verify(sample=1000, seed=7)] == [0, 0, 0, 0]
    after = golden.leaderboard("daily_lessons", date(2024, 3, 10))
    assert (after.status, after.amended) == ("final", True)
    assert [(e.rank, e.user_id) for e in after.entries] == [
        (i + 1, e.user_id) for i, e in enumerate(before.entries[1:])
    ]
    # recorded without the id: a count and the hash; a second run finds nothing left
    ledger = golden.engine.query("status/runs", {"last": 5}).filter(job="erase")
    assert ledger.select("status", "rows", "detail").rows() == [("ok", 1, done.digest)]
    again = golden.erase(["alice"])
    assert again.digest == done.digest and not any(again.rows.values())
    assert golden.status().erasures["pending"] == []


def test_an_unfinished_erasure_alerts_and_is_finished_before_another(golden: Gamify) -> None:
    """What a killed erasure leaves in `meta` (a count, never the ids) until it is run again."""
    left = {"state": "pending", "users": 3, "started": "2026-01-01T00:00:00+00:00", "runs": []}
    golden.engine.execute("admin/set_meta", {"key": "erase:" + "f" * 64, "value": json.dumps(left)})
    report = golden.status()
    assert report.erasures["pending"] == [
        {"digest": "f" * 64, "users": 3, "started": "2026-01-01T00:00:00+00:00"}
    ]
    assert any("did not finish" in a for a in report.alerts) and not report.healthy
    with pytest.raises(StoreError, match=r"^an erasure of 3 user\(s\) started at 2026-01-01"):
        golden.erase(["alice"])
    assert golden.achievements(user="alice").height == 1


def test_hostile_ids_are_data(golden: Gamify) -> None:
    """Ids reach SQL as bound parameters and patterns only as escaped text: these match no
    user, so nothing is deleted."""
    tables = golden.engine.tables()
    counts = golden.counts()
    done = golden.erase(["' OR '1'='1", "x'); DROP TABLE events; --", "%", "_", "\\", ".*"])
    assert not any(done.rows.values()) and done.runs_amended == 0
    assert golden.engine.tables() == tables and golden.counts().equals(counts)


def test_a_table_without_an_erasure_rule_is_refused_before_anything_changes(
    golden: Gamify,
) -> None:
    sql.run(golden.engine, "add_unruled_table")
    with pytest.raises(StoreError, match="table 'notes' has no erasure rule"):
        golden.erase(["alice"])
    assert golden.achievements(user="alice").height == 1


def test_ids_are_required_and_a_users_file_is_read_line_by_line(tmp_path: Path) -> None:
    with pytest.raises(InputError):
        erase_mod.user_ids([])
    assert erase_mod.user_ids(["b", "a", "b"]) == ["a", "b"]
    dsn = f"duckdb://{tmp_path / 'g.duckdb'}"
    base = ["--config", str(GOLDEN / "full.toml"), "--dsn", dsn]
    ingest = [*base, "ingest", str(GOLDEN / "events.csv"), "--users", str(GOLDEN / "users.csv")]
    assert gamify(*ingest, cwd=tmp_path).returncode == 0
    ids = tmp_path / "ids.txt"
    ids.write_text("alice\n\nbob\n")
    r = gamify(*base, "erase", "--users-file", str(ids), "--format", "json", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["users"] == 2 and doc["rows"]["events"] == 6 and "alice" not in r.stdout
    r = gamify(*base, "erase", cwd=tmp_path)
    assert r.returncode == 1 and r.stderr.startswith("gamify: error: no user ids to erase")


@pytest.mark.slow
def test_erasure_equals_a_store_that_never_had_the_users(
    stores: StoreFactory, tmp_path: Path
) -> None:
    """Store A has everyone and erases two users; store B never had them. One store open at
    a time (an embedded ClickHouse path opens once per process)."""
    everyone, without = scenarios(tmp_path)
    t2 = everyone.t2
    with Gamify(everyone.config, stores.new()) as a:
        everyone.build(a)
        runs = final_runs(a)
        assert any(board == "day_top3" for board, _, _ in runs)
        was, drift = reads(a, t2), _drift(a)
        done = a.erase(ERASED)
        assert done.runs_amended > 0 and done.rows["rejects"] > 0
        assert traces(a.engine) == []
        # nothing drifts that did not before (every user is sampled): on ClickHouse the points
        # total of one late award drifts already, whatever the erasure does
        assert _drift(a) == drift
        a.run(as_of=t2)  # the dashboards job rebuilds what the erasure dropped
        assert traces(a.engine) == []
        if "event_keys" in a.engine.stored_tables():  # the dedup index: stored events only
            counts = dict(a.counts().iter_rows())
            keys = a.engine.query_sql(f"SELECT count(*) FROM {a.engine.database}.event_keys", {})
            assert keys.column(0)[0].as_py() == counts["events"]
        got_runs, got = standings(a, runs, t2), reads(a, t2)
        assert any(a.leaderboard(k, r, g).amended for k, r, g in runs)
    with Gamify(without.config, stores.new()) as b:
        without.build(b)
        b.run(as_of=t2)
        want_runs, want = standings(b, runs, t2), reads(b, t2)
        assert not any(b.leaderboard(k, r, g).amended for k, r, g in runs)
    full = [k for k in want_runs if not k.startswith("day_top3 ")]
    assert {k: got_runs[k] for k in full} == {k: want_runs[k] for k in full}
    # on a board that keeps its top 3, no one moves up from below the kept rows (they were
    # never stored): each amended run is the start of the other store's
    for key in set(want_runs) - set(full):
        got_top = [(e["rank"], e["user_id"], e["score"]) for e in got_runs[key]["entries"]]
        want_top = [(e["rank"], e["user_id"], e["score"]) for e in want_runs[key]["entries"]]
        assert got_top == want_top[: len(got_top)], key
    # …and its participants and late counts follow like every other board's
    counts = ["board", "run", "participants", "late"]
    runs_a, runs_b = got["dashboard leaderboards.runs"], want["dashboard leaderboards.runs"]
    assert_same({"runs": runs_a.select(counts)}, {"runs": runs_b.select(counts)}, "counts")
    for name in [n for n in got if n.startswith("dashboard leaderboards.")]:
        got[name], want[name] = (
            f.filter(pl.col("board") != "day_top3") for f in (got[name], want[name])
        )
    assert_same(got, want, "the store without them")
    kept = ("streaks", "achievements", "points")
    assert_same({k: got[k] for k in kept}, {k: was[k] for k in kept}, "before the erasure")


def _drift(g: Gamify) -> list[tuple[str, int, str]]:
    """What `verify` finds in the stored aggregates (the dashboard builds aside: an erasure
    drops them)."""
    checks = g.verify(sample=1000, seed=3)
    return [(c.check, c.drifted, c.example) for c in checks if c.check != "dashboard_rollups"]


def _build(scenario: Scenario, dsn: str, cwd: Path) -> None:
    """The scenario's history, each step a `gamify` process (the store is closed after)."""
    base = ["--config", str(scenario.config_path), "--dsn", dsn]
    steps = [
        ["ingest", str(scenario.a), "--users", str(scenario.users)],
        ["run", "--as-of", text.instant(scenario.t1)],
        ["ingest", str(scenario.b)],
        ["run", "--as-of", text.instant(scenario.t2)],
    ]
    for step in steps:
        r = gamify(*base, *step, cwd=cwd)
        assert r.returncode == 0, r.stderr


def _copy(engine: str, store: Path, to: Path) -> str:
    """A copy of a closed store (a ClickHouse folder or a DuckDB file), and its DSN."""
    to.parent.mkdir(parents=True)
    if store.is_dir():
        shutil.copytree(store, to, symlinks=True)  # ClickHouse links its folders relatively
    else:
        shutil.copy2(store, to)
    return dsns.of_engine(engine, to)


@pytest.mark.slow
@pytest.mark.parametrize("engine", ENGINE_PARAMS)
def test_a_killed_erasure_run_again_ends_as_an_uninterrupted_one(
    engine: str, tmp_path: Path
) -> None:
    """Each kill on a copy of the same store, at a call found in the clean erasure's calls:
    right after the pending record, between re-ranked standings and the removal of their old
    ranks, before the users rows go, before the erasure is recorded as done."""
    everyone, _ = scenarios(tmp_path, users=24, days=8)
    template = tmp_path / "template" / "store"
    _build(everyone, dsns.of_engine(engine, template), tmp_path)
    clean = _copy(engine, template, tmp_path / "clean" / "store")
    with Gamify(everyone.config, clean) as g:
        with kill.counting() as calls:
            g.erase(ERASED)
        runs = final_runs(g)
        want = standings(g, runs, everyone.t2), reads(g, everyone.t2)
    points = {
        "after the pending record": kill.number(calls, '"state": "pending"', after=True),
        "amid re-ranking": kill.number(
            calls, r"count\(\*\) AS n FROM \S+\.leaderboard_final WHERE board"
        ),
        "before the users rows go": kill.number(calls, r"DELETE.*\.users |\.users DELETE"),
        "before it is done": kill.number(calls, '"state": "done"'),
    }
    for i, (where, at) in enumerate(points.items()):
        faulty = _copy(engine, template, tmp_path / f"faulty{i}" / "store")
        base = [sys.executable, "-c", kill.DRIVER, "--config", str(everyone.config_path)]
        command = [*base, "--dsn", faulty, "erase", *(f"--user={u}" for u in ERASED)]
        env = {**os.environ, kill.AT: str(at)}
        r = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, timeout=300)
        assert r.returncode == -signal.SIGKILL, (where, r.stderr.decode()[-2000:])
        r = gamify(*command[3:], "--format", "json", cwd=ROOT)
        assert r.returncode == 0, (where, r.stderr)
        assert json.loads(r.stdout)["resumed"], where
        with Gamify(everyone.config, faulty) as g:
            assert traces(g.engine) == [], where
            assert final_runs(g) == runs, where
            assert g.status().erasures["pending"] == [], where
            assert standings(g, runs, everyone.t2) == want[0], where
            assert_same(reads(g, everyone.t2), want[1], where)


def test_the_docs_give_every_tables_rule() -> None:
    page = (ROOT / "docs" / "operations.md").read_text()
    assert [t for t in erase_mod.RULES if f"`{t}`" not in page] == []
