"""The command line contract: JSON on stdout, one-line errors, exit codes."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest

from gamify_analytics.engines import connect
from gamify_analytics.names import JOBS
from tests.helpers.cli import gamify
from tests.helpers.stores import GOLDEN


def test_ingest_prints_one_json_document(tmp_path: Path) -> None:
    dsn = f"duckdb://{tmp_path / 'g.duckdb'}"
    base = ["--config", str(GOLDEN / "config.toml"), "--dsn", dsn]
    assert gamify(*base, "init", cwd=tmp_path).returncode == 0
    args = [*base, "ingest", str(GOLDEN / "events.csv"), "--users", str(GOLDEN / "users.csv")]
    first = gamify(*args, "--format", "json", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    doc = json.loads(first.stdout)
    assert (doc["accepted"], doc["duplicates"], doc["rejected"]) == (12, 2, 9)
    assert doc["rejected_by_reason"]["tz: unknown time zone"] == 1
    again = json.loads(gamify(*args, "--format", "json", cwd=tmp_path).stdout)
    assert (again["accepted"], again["duplicates"]) == (0, 14)
    rejects = gamify(*base, "rejects", "--format", "csv", cwd=tmp_path)
    assert rejects.stdout.count("\n") == 1 + 9 + 1  # header, event rejects, user reject


def test_errors_are_one_line_and_non_zero(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(
        '[[metrics]]\nkey = "a"\n[[streaks]]\nkey = "s"\nfrequency = "daily"\n'
        'conditions = [{ metric = "zz" }]\n'
    )
    r = gamify("--config", str(bad), "init", cwd=tmp_path)
    assert r.returncode != 0
    assert r.stderr.strip() == (
        f"gamify: error: {bad}: streaks[0] (s): conditions[0]: metric: unknown metric 'zz'"
    )
    golden = ["--config", str(GOLDEN / "config.toml")]
    r = gamify(
        *golden, "--dsn", f"duckdb://{tmp_path / 'x.duckdb'}", "ingest", "nope.csv", cwd=tmp_path
    )
    assert r.returncode != 0 and r.stderr.strip() == "gamify: error: nope.csv: no such file"


def test_a_held_embedded_store_is_reported_in_one_line(chdb_root: Path, tmp_path: Path) -> None:
    with connect(f"chdb://{chdb_root}?database=t_{uuid.uuid4().hex[:8]}") as held:
        # --store-timeout 0: refused at once (waiting: tests/test_store_concurrency.py)
        golden = ["--config", str(GOLDEN / "config.toml")]
        r = gamify(
            *golden, "--dsn", f"chdb://{chdb_root}", "--store-timeout", "0", "init", cwd=tmp_path
        )
        held.run_sql(f"DROP DATABASE IF EXISTS {held.database}", {})
    assert r.returncode != 0
    assert r.stderr.strip() == (
        f"gamify: error: the embedded store {chdb_root} is in use by another process "
        "(only one may open it)"
    )


@pytest.mark.slow
def test_demo_runs_from_nothing(tmp_path: Path) -> None:
    r = gamify("demo", "--format", "json", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)  # stdout holds the results only; each step is a line on stderr
    steps = [f"job {job}…" for job in JOBS]
    assert [line for line in r.stderr.splitlines() if line.startswith("job ")] == steps
    assert doc["ingest"]["accepted"] > 10_000 and doc["ingest"]["rejected"] == 0
    assert doc["stored_rows"]["events"] == doc["ingest"]["accepted"]
    assert (tmp_path / ".gamify" / "clickhouse").is_dir()
    # the demo's results read back through the config file it wrote (there is no gamify.toml)
    r = gamify("--config", doc["config"], "report", "--out", "report.html", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "report.html").stat().st_size > 10_000


ACHIEVEMENTS_CONFIG = """
[[metrics]]
key = "lessons"
[[metrics]]
key = "minutes"
[[metrics]]
key = "quizzes"
[[achievements]]
key = "ios_lessons"
kind = "metric"
metric = "lessons"
threshold = 1
filters = { device = "ios" }
[[achievements]]
key = "lessons_3"
kind = "metric"
metric = "lessons"
threshold = 3
[[achievements]]
key = "busy_day"
kind = "period"
metric = "lessons"
period = "daily"
threshold = 2
[[points]]
key = "xp"
max_points = 25
triggers = [{ metric = "lessons", points = 10 }, { achievement = "lessons_3", points = 5 }]
levels = [{ key = "novice", points = 0 }, { key = "pro", points = 25 }]
"""


def test_achievements_and_points_on_the_golden_events(tmp_path: Path) -> None:
    """Hand-checked (the events.csv rows of fixtures/golden/expected_events.csv): alice's
    lessons in event order are g2 = 2 (04:59:59.999Z, local 2024-03-09), g3 = 0, g1 = 1 (ios);
    dave's g8 = 3, g9 = 0.000002.
    xp: alice g2 +20, g1 +10 cut to 5 at the cap of 25, then lessons_3 at g1 +5 cut to 0."""
    cfg = tmp_path / "gamify.toml"
    cfg.write_text(ACHIEVEMENTS_CONFIG)
    base = ["--config", str(cfg), "--dsn", f"duckdb://{tmp_path / 'g.duckdb'}"]
    assert gamify(*base, "ingest", str(GOLDEN / "events.csv"), cwd=tmp_path).returncode == 0
    r = gamify(*base, "run", "--as-of", "2025-01-01T00:00:00Z", "--format", "json", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    jobs = ["streaks", "achievements", "points", "leaderboards", "dashboards"]
    assert [j["job"] for j in json.loads(r.stdout)] == jobs

    done = json.loads(gamify(*base, "achievements", "--format", "json", cwd=tmp_path).stdout)
    got = {(d["user_id"], d["achievement"]): (d["achieved_at"], d["event_id"]) for d in done}
    assert got == {
        ("alice", "busy_day"): ("2024-03-10T04:59:59.999Z", "g2"),
        ("alice", "ios_lessons"): ("2024-03-10T06:59:59.999Z", "g1"),
        ("alice", "lessons_3"): ("2024-03-10T06:59:59.999Z", "g1"),
        ("dave", "busy_day"): ("2024-04-06T18:14:59.999Z", "g8"),
        ("dave", "lessons_3"): ("2024-04-06T18:14:59.999Z", "g8"),
    }
    assert all(d["backdated"] for d in done)  # all earned before the first evaluation

    totals = json.loads(gamify(*base, "points", "--format", "json", cwd=tmp_path).stdout)
    assert {t["user_id"]: (float(t["total"]), t["level"]) for t in totals} == {
        "alice": (25, "pro"),
        "carol": (20, "novice"),
        "dave": (25, "pro"),
        "erin": (10, "novice"),
        "frank": (10, "novice"),
    }
    ledger = gamify(
        *base, "points", "--ledger", "--user", "alice", "--format", "json", cwd=tmp_path
    )
    rows = [
        (x["event_id"], x["trigger"], float(x["requested"]), float(x["points"]))
        for x in json.loads(ledger.stdout)
    ]
    assert rows == [("g2", 0, 20, 20), ("g1", 0, 10, 5), ("g1", 1, 5, 0)]


def test_time_travel_at_the_command_line(tmp_path: Path) -> None:
    """A future --as-of is accepted with a note; a run before it is then refused in one line
    naming --full, and --full runs."""
    dsn = f"duckdb://{tmp_path / 'g.duckdb'}"
    base = ["--config", str(GOLDEN / "full.toml"), "--dsn", dsn]
    assert gamify(*base, "ingest", str(GOLDEN / "events.csv"), cwd=tmp_path).returncode == 0
    future = gamify(*base, "run", "--as-of", "2100-01-01T00:00:00Z", cwd=tmp_path)
    assert future.returncode == 0, future.stderr
    assert "--as-of 2100-01-01T00:00:00Z is in the future" in future.stderr
    now = gamify(*base, "run", cwd=tmp_path)
    assert now.returncode == 1
    [line] = now.stderr.splitlines()
    assert line.startswith("gamify: error: as-of ") and "(as of 2100-01-01T00:00:00.000Z)" in line
    assert "--full" in line
    assert gamify(*base, "run", "--full", cwd=tmp_path).returncode == 0


def test_numbers_print_the_same_way_in_every_row(tmp_path: Path) -> None:
    """Scores of one board: JSON numbers, exact (`29.5` beside `29`, not `"29.500000"` beside
    `"29"`); CSV the same text; totals are numbers too."""
    dsn = f"duckdb://{tmp_path / 'g.duckdb'}"
    events = tmp_path / "events.csv"
    events.write_text(
        "event_id,user_id,metric,value,ts\n"
        "e1,u1,lessons,29.5,2024-03-10T10:00:00Z\n"
        "e2,u2,lessons,29,2024-03-10T11:00:00Z\n"
        "e3,u3,lessons,0.000001,2024-03-10T12:00:00Z\n"
    )
    base = ["--config", str(GOLDEN / "full.toml"), "--dsn", dsn]
    assert gamify(*base, "ingest", str(events), cwd=tmp_path).returncode == 0
    assert gamify(*base, "run", "--as-of", "2024-03-12T00:00:00Z", cwd=tmp_path).returncode == 0
    board = ["leaderboard", "daily_lessons", "--run", "2024-03-10"]
    r = gamify(*base, *board, "--format", "json", cwd=tmp_path)
    assert '"score": 29.5,' in r.stdout and '"score": 29,' in r.stdout, r.stdout
    assert '"score": 0.000001,' in r.stdout
    assert [e["score"] for e in json.loads(r.stdout)["entries"]] == [29.5, 29, 0.000001]
    r = gamify(*base, *board, "--format", "csv", cwd=tmp_path)
    assert [line.split(",")[2] for line in r.stdout.splitlines()] == [
        "score",
        "29.5",
        "29",
        "0.000001",
    ]
    totals = json.loads(gamify(*base, "points", "--format", "json", cwd=tmp_path).stdout)
    assert all(isinstance(t["total"], int | float) for t in totals), totals


def test_without_a_config_only_demo_and_fixtures_run(tmp_path: Path) -> None:
    """No gamify.toml: a command stops in one line saying how to get one (the demo's rules are
    never used in its place); `init --example` writes a starter that then works."""
    dsn = ["--dsn", f"duckdb://{tmp_path / 'g.duckdb'}"]
    r = gamify(*dsn, "init", cwd=tmp_path)
    assert r.returncode == 1
    assert r.stderr.splitlines() == [
        "gamify: error: gamify.toml: config file not found (pass --config FILE or set "
        "GAMIFY_CONFIG; `gamify init --example` writes a starter)"
    ]
    r = gamify(*dsn, "init", "--example", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "gamify.toml").is_file()
    assert gamify(*dsn, "init", "--example", cwd=tmp_path).returncode == 1  # no overwrite
    assert gamify(*dsn, "run", cwd=tmp_path).returncode == 0
    assert gamify(*dsn, "streaks", cwd=tmp_path).returncode == 0


def test_reads_never_migrate(tmp_path: Path) -> None:
    """A read on a store without the schema says to run `gamify init`, and creates nothing."""
    base = ["--config", str(GOLDEN / "config.toml"), "--dsn", f"duckdb://{tmp_path / 'g.duckdb'}"]
    r = gamify(*base, "points", cwd=tmp_path)
    assert r.returncode == 1
    assert r.stderr.strip().endswith("has no schema yet: run `gamify init`"), r.stderr
    with connect(f"duckdb://{tmp_path / 'g.duckdb'}") as e:
        assert e.tables() == []
