"""A newcomer's first hour at the command line, trap by trap: each test is one thing that used
to go wrong silently (a file of rejects that exited 0, events quietly counted in UTC, empty
tables before any job ran, two clocks, values missing from reject reasons, duplicates nobody
could list, tables cut to 80 columns, a slow `--help`). Every command runs in its own process,
on each engine (a store of the test's own: a subprocess cannot open the session's embedded
store)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gamify_analytics import scheduler
from gamify_analytics.cli import app
from gamify_analytics.cli import jobs as cli_jobs
from gamify_analytics.engines import dsn as dsns
from gamify_analytics.names import JOBS
from tests.helpers.cli import gamify
from tests.helpers.stores import ENGINE_PARAMS, GOLDEN

FULL = str(GOLDEN / "full.toml")
#: The golden runs' as-of (tests/test_report.py): dave's streak is alive then, at risk.
AS_OF = "2024-04-08T00:00:00Z"


@pytest.fixture(params=ENGINE_PARAMS)
def base(request: pytest.FixtureRequest, tmp_path: Path) -> list[str]:
    """`--config full.toml --dsn <a store of this test's own>` on each engine."""
    dsn = dsns.store_in(request.param, "t", embedded_root=tmp_path / "chdb", folder=tmp_path)
    return ["--config", FULL, "--dsn", dsn]


def ok(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    r = gamify(*args, cwd=cwd)
    assert r.returncode == 0, r.stderr
    return r


def test_a_file_whose_rows_are_all_rejected_exits_1(base: list[str], tmp_path: Path) -> None:
    """The wrong file (or config): every row rejected is an error unless --allow-rejects; a
    file with one good row is not."""
    wrong = tmp_path / "wrong.csv"
    wrong.write_text(
        "user_id,metric,ts\nu1,walks,2024-03-10T10:00:00Z\nu2,runs,2024-03-10T11:00:00Z\n"
    )
    r = gamify(*base, "ingest", str(wrong), "--format", "json", cwd=tmp_path)
    assert r.returncode == 1
    assert json.loads(r.stdout)["all_rejected"] == [str(wrong)]  # the summary still prints
    assert r.stderr.splitlines()[-1] == (
        f"gamify: error: {wrong}: every row was rejected: is it the file the config describes? "
        "`gamify rejects` says why; --allow-rejects accepts it"
    )
    ok(*base, "ingest", str(wrong), "--allow-rejects", cwd=tmp_path)
    mixed = tmp_path / "mixed.csv"
    mixed.write_text(
        "user_id,metric,ts\nu1,walks,2024-03-10T10:00:00Z\nu1,lessons,2024-03-10T10:00:00Z\n"
    )
    ok(*base, "ingest", str(mixed), cwd=tmp_path)


def test_events_that_fall_back_to_utc_are_counted_and_warned_about(
    base: list[str], tmp_path: Path
) -> None:
    """No tz on the event and no zone for its user: counted in UTC, and said so; a users file
    with the user's zone makes the same rows local."""
    events = tmp_path / "events.csv"
    events.write_text(
        "event_id,user_id,metric,ts\n"
        "e1,ny,lessons,2024-03-10T03:00:00Z\n"
        "e2,ny,lessons,2024-03-11T03:00:00Z\n"
    )
    r = ok(*base, "ingest", str(events), "--format", "json", cwd=tmp_path)
    assert json.loads(r.stdout)["utc_fallback"] == 2
    assert "gamify: warning: 2 event(s) had no tz and their user no zone" in r.stderr
    users = tmp_path / "users.csv"
    users.write_text("user_id,tz\nny,America/New_York\n")
    later = tmp_path / "later.csv"
    later.write_text("event_id,user_id,metric,ts\ne3,ny,lessons,2024-03-12T03:00:00Z\n")
    r = ok(*base, "ingest", str(later), "--users", str(users), "--format", "json", cwd=tmp_path)
    assert json.loads(r.stdout)["utc_fallback"] == 0 and "warning" not in r.stderr


def test_a_read_before_any_job_run_says_to_run_them(base: list[str], tmp_path: Path) -> None:
    ok(*base, "ingest", str(GOLDEN / "events.csv"), "--allow-rejects", cwd=tmp_path)
    reads = [
        ["streaks"],
        ["achievements"],
        ["points", "--format", "json"],
        ["leaderboard", "daily_lessons"],
        ["dashboard", "overview"],
        ["report", "--out", str(tmp_path / "r.html")],
    ]
    for read in reads:
        r = gamify(*base, *read, cwd=tmp_path)
        assert (r.returncode, r.stdout) == (1, ""), read
        assert r.stderr.splitlines() == ["gamify: error: no job has run yet: gamify run"], read
    ok(*base, "run", "streaks", "--as-of", AS_OF, cwd=tmp_path)
    r = gamify(*base, "points", cwd=tmp_path)
    assert r.returncode == 1
    assert r.stderr.strip() == "gamify: error: the points job has not run yet: gamify run"


def test_reads_and_the_report_judge_as_of_the_last_run_and_say_so(
    base: list[str], tmp_path: Path
) -> None:
    """After a run as of an instant in the past, `gamify streaks` judges as of that instant,
    as the report's streak panel does (it once used the wall clock and showed every streak
    broken), and every read says which instant it used."""
    ok(*base, "ingest", str(GOLDEN / "events.csv"), "--allow-rejects", cwd=tmp_path)
    ok(*base, "run", "--as-of", AS_OF, cwd=tmp_path)
    said = (
        "gamify: as of 2024-04-08T00:00:00.000Z (the last {} run's; --as-of picks another instant)"
    )
    r = ok(*base, "streaks", cwd=tmp_path)
    assert said.format("streaks") in r.stderr.splitlines()
    rows = json.loads(ok(*base, "streaks", "--format", "json", cwd=tmp_path).stdout)
    assert {row["as_of"] for row in rows} == {"2024-04-08T00:00:00.000Z"}
    statuses = [row["status"] for row in rows]
    assert "at_risk" in statuses
    panel = ["dashboard", "streaks", "--panel", "summary", "--format", "json"]
    doc = json.loads(ok(*base, *panel, cwd=tmp_path).stdout)
    [summary] = doc["panels"]["summary"]
    assert doc["as_of"] == summary["as_of"] == "2024-04-08T00:00:00.000Z"
    for status in ("active", "at_risk", "broken"):
        assert summary[status] == statuses.count(status), status
    for read, job in [(["points"], "points"), (["achievements"], "achievements")]:  # no --as-of
        line = f"gamify: as of 2024-04-08T00:00:00.000Z (the last {job} run's)"
        assert line in ok(*base, *read, cwd=tmp_path).stderr.splitlines()
    board = json.loads(
        ok(*base, "leaderboard", "daily_lessons", "--format", "json", cwd=tmp_path).stdout
    )
    assert (board["run"], board["as_of"]) == ("2024-04-08", "2024-04-08T00:00:00.000Z")
    assert list(board)[:6] == ["leaderboard", "run", "group", "status", "late", "entries"]
    r = ok(*base, "streaks", "--as-of", "2024-04-07T12:00:00+00:00", cwd=tmp_path)
    assert "gamify: as of 2024-04-07T12:00:00.000Z (--as-of)" in r.stderr.splitlines()


def test_streaks_show_what_the_last_run_stored_and_as_of_recomputes(
    base: list[str], tmp_path: Path
) -> None:
    """Without --as-of, `gamify streaks` reads the chains the last run stored (no event scan,
    the same answer as computing at that run's as-of); an event ingested since counts only
    when --as-of asks for a computation from the events."""
    ok(*base, "ingest", str(GOLDEN / "events.csv"), "--allow-rejects", cwd=tmp_path)
    ok(*base, "run", "--as-of", AS_OF, cwd=tmp_path)

    def bob(*args: str) -> dict:
        rows = json.loads(ok(*base, "streaks", "--format", "json", *args, cwd=tmp_path).stdout)
        return next(row for row in rows if row["user_id"] == "bob")

    stored = json.loads(ok(*base, "streaks", "--format", "json", cwd=tmp_path).stdout)
    computed = ok(*base, "streaks", "--format", "json", "--as-of", AS_OF, cwd=tmp_path).stdout
    assert stored == json.loads(computed)
    assert bob()["length"] == 0
    late = tmp_path / "late.csv"
    late.write_text(
        "event_id,user_id,metric,value,ts,tz\nlate1,bob,lessons,1,2024-04-07T12:00:00Z,UTC\n"
    )
    ok(*base, "ingest", str(late), cwd=tmp_path)
    assert bob()["length"] == 0
    assert bob("--as-of", AS_OF)["length"] == 1


def test_rejects_quote_the_value_and_duplicates_are_listed(base: list[str], tmp_path: Path) -> None:
    events = tmp_path / "events.csv"
    long_id = "u" * 300
    events.write_text(
        "event_id,user_id,metric,value,ts,tz\n"
        "e1,ann,lessons,three,2024-03-10T10:00:00Z,UTC\n"
        "e2,ann,lessons,1,2024-03-10T10:00:00Z,Mars/Olympus\n"
        f"e3,{long_id},lessons,1,2024-03-10T10:00:00Z,UTC\n"
        "e4,ann,lessons,1,2024-03-10T10:00:00Z,UTC\n"
        "e4,ann,lessons,2,2024-03-10T11:00:00Z,UTC\n"
    )
    r = ok(*base, "ingest", str(events), "--format", "json", cwd=tmp_path)
    summary = json.loads(r.stdout)
    assert summary["rejected_by_reason"]["tz: unknown time zone"] == 1  # counted by cause
    rows = json.loads(ok(*base, "rejects", "--format", "json", cwd=tmp_path).stdout)
    reasons = {row["line"]: row["reason"] for row in rows}
    assert reasons[2] == 'value: not a number within |value| < 10^12: "three"'
    assert reasons[3] == 'tz: unknown time zone: "Mars/Olympus"'
    assert reasons[4] == f'user_id: longer than 256 characters: "{"u" * 40}…" (300 characters)'
    assert {row["raw"] for row in rows} >= {f"e3,{long_id},lessons,1,2024-03-10T10:00:00Z,UTC"}
    ok(*base, "ingest", str(events), cwd=tmp_path)  # again: every good row is a duplicate
    dups = json.loads(ok(*base, "rejects", "--duplicates", "--format", "json", cwd=tmp_path).stdout)
    assert [(d["line"], d["user_id"], d["event_id"]) for d in dups] == [
        (5, "ann", "e4"),
        (6, "ann", "e4"),
    ]
    assert {d["source"] for d in dups} == {str(events)}


def test_piped_tables_are_never_cut(base: list[str], tmp_path: Path) -> None:
    events = tmp_path / "events.csv"
    long_id = "user-" + "x" * 150
    events.write_text(f"user_id,metric,ts\n{long_id},lessons,2024-03-10T10:00:00Z\n")
    ok(*base, "ingest", str(events), cwd=tmp_path)
    ok(*base, "run", "--as-of", AS_OF, cwd=tmp_path)
    r = ok(*base, "points", cwd=tmp_path)  # stdout is a pipe here
    assert long_id in r.stdout and "…" not in r.stdout


def test_help_imports_no_engine_or_dataframe_library() -> None:
    """`gamify --help` and `run --help` import none of them (they took seconds to load)."""
    probe = (
        "import sys\n"
        "from gamify_analytics.cli import app\n"
        "for args in (['--help'], ['run', '--help'], ['dashboard', '--help']):\n"
        "    try:\n"
        "        app(args, standalone_mode=False)\n"
        "    except SystemExit:\n"
        "        pass\n"
        "heavy = {'polars', 'pyarrow', 'duckdb', 'chdb', 'jinja2', 'clickhouse_connect'}\n"
        "print(sorted(heavy & {m.split('.')[0] for m in sys.modules}))\n"
    )
    r = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert r.stdout.splitlines()[-1] == "[]"


def test_help_lists_the_jobs_and_the_as_of_defaults() -> None:
    def help_of(*command: str) -> str:
        result = CliRunner().invoke(app, [*command, "--help"], env={"COLUMNS": "250"})
        assert result.exit_code == 0, result.output
        return result.output

    run = help_of("run")
    assert ", ".join(JOBS) in run and "(default: now)" in run
    read = "(default: the as-of of the last run of the job that stores what this reads)"
    assert read in help_of("streaks") and read in help_of("leaderboard")
    assert "the config's [storage] dsn" in help_of()
    assert scheduler.MISFIRE_GRACE == 15 * 60 and cli_jobs.MISFIRE_GRACE_HELP == "15 minutes"
