"""The command line contract (§11): JSON on stdout, one-line errors, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from pathlib import Path

from gamify_analytics.engines import connect
from tests.conftest import GOLDEN

GAMIFY = [sys.executable, "-c", "from gamify_analytics.cli import run; run()"]


def gamify(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*GAMIFY, *args], cwd=cwd, capture_output=True, text=True, timeout=300)


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
    r = gamify("--dsn", f"duckdb://{tmp_path / 'x.duckdb'}", "ingest", "nope.csv", cwd=tmp_path)
    assert r.returncode != 0 and r.stderr.strip() == "gamify: error: nope.csv: no such file"


def test_a_held_embedded_store_is_reported_in_one_line(chdb_root: Path, tmp_path: Path) -> None:
    with connect(f"chdb://{chdb_root}?database=t_{uuid.uuid4().hex[:8]}") as held:
        r = gamify("--dsn", f"chdb://{chdb_root}", "init", cwd=tmp_path)
        held.run_sql(f"DROP DATABASE IF EXISTS {held.database}", {})
    assert r.returncode != 0
    assert r.stderr.strip() == (
        f"gamify: error: the embedded store {chdb_root} is in use by another process "
        "(only one may open it)"
    )


def test_demo_runs_from_nothing(tmp_path: Path) -> None:
    r = gamify("demo", "--format", "json", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["ingest"]["accepted"] > 10_000 and doc["ingest"]["rejected"] == 0
    assert doc["stored_rows"]["events"] == doc["ingest"]["accepted"]
    assert (tmp_path / ".gamify" / "clickhouse").is_dir()
