"""`gamify status` (docs/operations.md "Monitoring"), on both engines: the figures come from what
the store records (runs written to the ledger here are exactly what a run would write), exit
code 1 when something alerts, and Prometheus text that Prometheus' own parser reads."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import polars as pl
import pytest
from prometheus_client.parser import text_string_to_metric_families
from typer.testing import CliRunner

from gamify_analytics import status
from gamify_analytics.api import Gamify
from gamify_analytics.cli import app
from gamify_analytics.config import load
from gamify_analytics.demo import DEMO_CONFIG, run_demo
from gamify_analytics.engines import Engine
from gamify_analytics.jobs import ledger
from tests.helpers.stores import GOLDEN

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
SCHEDULE = """
[[entry]]
name = "hourly"
cron = "0 * * * *"
jobs = ["streaks", "achievements", "points", "dashboards"]
description = "The incremental jobs."

[[entry]]
name = "finalize"
cron = "0 12 * * *"
jobs = ["leaderboards"]
description = "Finalization."
"""


def _run(engine: Engine, job: str, started: datetime, seconds: float, status: str, **kw) -> None:
    """A finished run in the ledger, as the job runner records it."""
    run_id = f"{job}-{started.timestamp()}"
    end = started + timedelta(seconds=seconds)
    ledger.record(engine, run_id, job, started, started, status, finished=end, **kw)


def test_durations_are_nearest_rank_over_the_latest_successful_runs(engine: Engine) -> None:
    """25 runs of 1…25 s, then a failure: the latest 20 successful ones last 6…25 s, so the
    median is the 10th (15 s), p95 the 19th (24 s), p99 the 20th (25 s)."""
    for i in range(1, 26):
        _run(engine, "streaks", NOW - timedelta(days=2, hours=30 - i), i, "ok", watermark_us=0)
    _run(engine, "streaks", NOW - timedelta(hours=1), 3, "failed", error="disk full\nmore")
    report = status.status(engine, load(GOLDEN / "full.toml"), now=NOW)
    streaks = next(j for j in report.jobs if j["job"] == "streaks")
    assert (streaks["duration_p50_s"], streaks["duration_p95_s"], streaks["duration_p99_s"]) == (
        15.0,
        24.0,
        25.0,
    )
    assert (streaks["runs"], streaks["failures"], streaks["failing"]) == (20, 1, True)
    assert "job 'streaks' is failing: disk full" in report.alerts and not report.healthy
    never = next(j for j in report.jobs if j["job"] == "points")
    assert never["last_status"] is None and never["duration_p50_s"] is None


def _events(rows: list[tuple[str, datetime, datetime]]) -> pl.DataFrame:
    """Events (user, ts, ingested_at) of one metric, each with an id of its own."""
    return pl.DataFrame(
        {
            "user_id": [u for u, _, _ in rows],
            "metric": ["lessons"] * len(rows),
            "event_id": [f"s{i}" for i in range(len(rows))],
            "value": pl.Series([1] * len(rows)).cast(pl.Decimal(18, 6)),
            "ts": [t for _, t, _ in rows],
            "tz": ["UTC"] * len(rows),
            "local_date": [t.date() for _, t, _ in rows],
            "attributes": pl.Series(
                [[]] * len(rows), dtype=pl.List(pl.Struct({"key": pl.String, "value": pl.String}))
            ),
            "ingested_at": [i for _, _, i in rows],
        }
    )


def test_ingest_counts_lag_and_backlog(engine: Engine) -> None:
    """40 events ingested half an hour ago and 60 five hours ago, lagging 1…100 s, and one two
    days ago; the streaks job last started from a watermark three hours ago."""
    rows = []
    for i in range(1, 101):
        ingested = NOW - (timedelta(minutes=30) if i <= 40 else timedelta(hours=5))
        rows.append((f"u{i % 7}", ingested - timedelta(seconds=i), ingested))
    rows.append(("u0", NOW - timedelta(days=3), NOW - timedelta(days=2)))
    engine.insert("events", _events(rows))
    mark = int((NOW - timedelta(hours=3)).timestamp() * 1_000_000)
    _run(engine, "streaks", NOW - timedelta(hours=3), 2, "ok", watermark_us=mark)
    report = status.status(engine, load(GOLDEN / "full.toml"), now=NOW)
    ingest = report.ingest
    assert (ingest["events_1h"], ingest["events_1d"]) == (40, 100)
    assert (ingest["lag_p50_s"], ingest["lag_p95_s"], ingest["lag_p99_s"]) == (50.0, 95.0, 99.0)
    jobs = {j["job"]: j for j in report.jobs}
    assert (jobs["streaks"]["backlog_events"], jobs["streaks"]["backlog_oldest_age_s"]) == (
        40,
        1800.0,
    )
    assert jobs["points"]["backlog_events"] == 101  # never ran: everything is still to do
    assert jobs["points"]["backlog_oldest_age_s"] == 2 * 86400.0


@pytest.fixture
def troubled(dsn: str, tmp_path: Path) -> Iterator[list[str]]:
    """The golden store: every job but leaderboards ran now, then points failed; the
    leaderboards job last ran three days ago; two events arrived since the runs."""
    config = load(GOLDEN / "full.toml")
    with Gamify(config, dsn) as g:
        g.ingest([GOLDEN / "events.csv"], users=GOLDEN / "users.csv")
        g.run(["streaks", "achievements", "points", "dashboards"])
        now = datetime.now(UTC)
        _run(g.engine, "leaderboards", now - timedelta(days=3), 5, "ok", watermark_us=0)
        _run(g.engine, "points", now, 1, "failed", error="Code: 241. Memory limit exceeded")
        late = tmp_path / "late.csv"
        late.write_text(
            "event_id,user_id,metric,value,ts,tz\n"
            "z1,zed,lessons,1,2024-05-01T10:00:00Z,UTC\nz2,zed,lessons,1,2024-05-01T11:00:00Z,UTC\n"
        )
        g.ingest([late])
    schedule = tmp_path / "schedule.toml"
    schedule.write_text(SCHEDULE)
    yield [
        "--config",
        str(GOLDEN / "full.toml"),
        "--dsn",
        dsn,
        "status",
        "--schedule",
        str(schedule),
    ]


def test_a_failed_and_an_overdue_job_exit_1_with_their_figures(troubled: list[str]) -> None:
    r = CliRunner().invoke(app, [*troubled, "--format", "json"])
    assert r.exit_code == 1, r.output
    doc = json.loads(r.stdout)
    jobs = {j["job"]: j for j in doc["jobs"]}
    assert jobs["points"]["failing"] and jobs["points"]["last_error"].startswith("Code: 241")
    assert jobs["leaderboards"]["overdue"] and not jobs["streaks"]["overdue"]
    assert [e["entry"] for e in doc["schedule"] if e["overdue"]] == ["finalize"]
    assert jobs["streaks"]["backlog_events"] == 2
    assert doc["skew"]["users"] == 7 and doc["skew"]["top"][0]["events"] >= 2
    boards = {b["board"]: b for b in doc["leaderboards"]}
    assert boards["daily_lessons"]["due_not_final"] > 0 and boards["daily_lessons"]["overdue"] > 0
    assert not doc["healthy"] and len(doc["alerts"]) == 3
    assert "gamify: alert: job 'points' is failing: Code: 241." in r.stderr


def _metrics(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample, parsed by Prometheus' own text parser: (name, labels) → value."""
    out = {}
    for family in text_string_to_metric_families(text):
        assert family.type == "gauge", family.name
        for s in family.samples:
            out[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return out


def test_prometheus_text_parses_and_names_no_user(troubled: list[str]) -> None:
    r = CliRunner().invoke(app, [*troubled, "--format", "prometheus"])
    assert r.exit_code == 1, r.output
    m = _metrics(r.stdout)
    assert m[("gamify_status_healthy", ())] == 0
    assert m[("gamify_job_failing", (("job", "points"),))] == 1
    assert m[("gamify_job_overdue", (("job", "leaderboards"),))] == 1
    assert m[("gamify_job_overdue", (("job", "streaks"),))] == 0
    assert m[("gamify_schedule_entry_overdue", (("entry", "finalize"),))] == 1
    assert m[("gamify_job_backlog_events", (("job", "streaks"),))] == 2
    assert m[("gamify_ingest_events", (("window", "1d"),))] == 14
    assert 0 < m[("gamify_skew_top_1pct_share", ())] <= 1
    labels = {v for _, ls in m for _, v in ls}
    assert not labels & {"alice", "bob", "carol", "dave", "erin", "frank", "zed"}


@pytest.mark.slow
def test_the_demo_store_is_healthy(
    dsn: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # the demo writes its data under ./.gamify
    run_demo(dsn)
    config = tmp_path / "demo.toml"
    config.write_text(DEMO_CONFIG)
    args = ["--config", str(config), "--dsn", dsn, "status"]
    r = CliRunner().invoke(app, [*args, "--format", "json"])
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert doc["healthy"] and doc["alerts"] == []
    assert {j["job"]: j["last_status"] for j in doc["jobs"]} == dict.fromkeys(
        ["streaks", "achievements", "points", "leaderboards", "dashboards"], "ok"
    )
    assert all(j["backlog_events"] == 0 and not j["overdue"] for j in doc["jobs"])
    assert [e["overdue"] for e in doc["schedule"]] == [False] * 4  # the default schedule
    assert doc["skew"]["users"] > 1000 and 0 < doc["skew"]["top_1pct_share"] < 1
    assert all(b["overdue"] == 0 for b in doc["leaderboards"])
    as_of = datetime.fromisoformat(doc["freshness"][1]["as_of"].replace("Z", "+00:00"))
    assert datetime.now(UTC) - as_of < timedelta(hours=1)  # the demo's runs are as of now
    text = CliRunner().invoke(app, [*args, "--format", "prometheus"])
    assert text.exit_code == 0 and _metrics(text.stdout)[("gamify_status_healthy", ())] == 1
