"""`gamify bench` end to end at a tiny size: every figure of both sections is measured on both
engines (a step that failed, or a dashboard read without current rollups, shows as NaN)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers.cli import gamify

#: slow: the whole benchmark at a tiny size
pytestmark = pytest.mark.slow


def test_every_figure_is_measured(tmp_path: Path) -> None:
    size = ["--users", "60", "--days", "8", "--events", "3000"]
    done = gamify("bench", *size, "--workdir", str(tmp_path), "--format", "json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)
    names = [r["benchmark"] for r in rows]
    for expected in (
        "ingest",
        "full dashboards build",
        "one new day: dashboards job",
        "nothing new: all jobs",
        "crowd",
        "ingest, Parquet",
        "reference: bare insert",
        "ingest, NDJSON",
        "dashboard overview, by metric and attribute",
    ):
        assert any(n.startswith(expected) for n in names), (expected, names)
    for r in rows:
        assert "nan" not in (r["clickhouse"], r["duckdb"]), r
    assert "FAILED" not in done.stderr
    assert not (tmp_path / "BENCHMARKS.md").exists()  # recorded only with --record
