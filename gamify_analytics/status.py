"""`gamify status`: is the store healthy, in one read of what it already records
(docs/operations.md "Monitoring").

Every figure comes from the store: the run ledger (`job_runs`: each run's as-of, start, finish,
status and the ingest watermark it started from), `ingested_at` of events and rejects, the jobs'
committed states, the final leaderboard runs and the pending erasures. The schedule says when
each job should last have run. A job that is failing or overdue, a leaderboard run past its
finalization, or an erasure left unfinished is an alert: the command exits 1, so cron or a
monitor can say so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, Protocol

import polars as pl

from gamify_analytics import erase, leaderboards, periods, watermarks
from gamify_analytics.config import Config
from gamify_analytics.engines import Engine, naive_utc
from gamify_analytics.jobs import JOBS
from gamify_analytics.leaderboards.job import LOOKBACK
from gamify_analytics.names import STATUS_GRACE, STATUS_LAST_RUNS
from gamify_analytics.records import Record

#: Runs per job the durations and failures are taken over.
LAST_RUNS = STATUS_LAST_RUNS
#: How late a scheduled run may start (or a due leaderboard run be finalized) before it is
#: an alert: a fire may wait behind another one, and the scheduler runs a late fire within
#: 15 minutes.
GRACE = STATUS_GRACE
#: Busiest users listed under skew.
TOP_USERS = 10
#: The tables each job writes (`freshness`: the as-of they reflect).
WRITES = {
    "streaks": ("streak_chains",),
    "achievements": ("achievements", "streak_milestones", "progress"),
    "points": ("points_ledger",),
    "leaderboards": ("leaderboard_final", "leaderboard_runs", "leaderboard_snapshot"),
    "dashboards": ("dashboard_rollups",),
}


class Scheduled(Protocol):
    """A schedule entry (`scheduler.Entry`): its name, its jobs and its fires."""

    name: str
    jobs: tuple[str, ...]

    def previous_fire(self, before: datetime) -> datetime | None: ...


@dataclass(frozen=True)
class Status(Record):
    """The store's health at `now` (each section a list of flat rows, or one row)."""

    now: datetime
    healthy: bool
    alerts: list[str]
    jobs: list[dict[str, Any]]
    schedule: list[dict[str, Any]]
    ingest: dict[str, Any]
    freshness: list[dict[str, Any]]
    skew: dict[str, Any]
    leaderboards: list[dict[str, Any]]
    erasures: dict[str, Any] = field(default_factory=dict)


def status(
    engine: Engine,
    config: Config,
    schedule: Sequence[Scheduled] = (),
    *,
    now: datetime | None = None,
    last: int = LAST_RUNS,
    grace: timedelta = GRACE,
) -> Status:
    """Every section of the report, and the alerts they raise."""
    now = (now or datetime.now(UTC)).astimezone(UTC)
    runs = engine.query("status/runs", {"last": last})
    jobs = _jobs(engine, runs, last, now)
    mark = watermarks.watermark_us(engine)
    newest = _instant(mark) if mark else None
    entries = _schedule(engine, schedule, jobs, now, grace)
    for j in jobs:
        j["overdue"] = any(j["job"] in e["late_jobs"] for e in entries)
    boards = _leaderboards(engine, config, now, grace)
    erasures = _erasures(engine, runs)
    alerts = [
        f"job {j['job']!r} is failing: {_line(j['last_error'])}" for j in jobs if j["failing"]
    ]
    alerts += [
        f"schedule entry {e['entry']!r} is overdue: no run of {', '.join(e['late_jobs'])} "
        f"since its fire at {_iso(e['due_fire'])}"
        for e in entries
        if e["overdue"]
    ]
    alerts += [
        f"leaderboard {b['board']!r}: {b['overdue']} run(s) not finalized past their due time "
        f"(oldest {b['oldest_run']}, due {_iso(b['oldest_due'])})"
        for b in boards
        if b["overdue"]
    ]
    alerts += [
        f"an erasure of {p['users']} user(s) started at {p['started']} did not finish: run it "
        "again with the same ids"
        for p in erasures["pending"]
    ]
    return Status(
        now=now,
        healthy=not alerts,
        alerts=alerts,
        jobs=jobs,
        schedule=entries,
        ingest={**_ingest(engine, now), "newest_ingested_at": newest},
        freshness=_freshness(jobs, newest),
        skew=_skew(engine),
        leaderboards=boards,
        erasures=erasures,
    )


def _jobs(engine: Engine, runs: pl.DataFrame, last: int, now: datetime) -> list[dict[str, Any]]:
    """Per job: its last run and last successful one, failures and durations over the latest
    `last` runs, and its backlog (events ingested after the watermark its last successful run
    started from)."""
    durations = {r["job"]: r for r in engine.query("status/durations", {"last": last}).to_dicts()}
    backlogs: dict[int | None, dict[str, Any]] = {}
    out = []
    for job in JOBS:
        every = runs.filter(pl.col("job") == job).to_dicts()
        ok = next((r for r in every if r["status"] == "ok"), None)
        mine = every[:last]  # the latest successful run may be older than these
        latest = mine[0] if mine else None
        finished = [r for r in mine if r["finished"] is not None]
        # never succeeded: every event is still to process
        mark = ok["watermark_us"] if ok else 0
        if mark not in backlogs:
            backlogs[mark] = _backlog(engine, mark, now)
        d = durations.get(job, {})
        out.append(
            {
                "job": job,
                "last_status": latest["status"] if latest else None,
                "last_as_of": latest["as_of"] if latest else None,
                "last_started": latest["started"] if latest else None,
                "last_finished": latest["finished"] if latest else None,
                "last_ok_as_of": ok["as_of"] if ok else None,
                "last_ok_finished": ok["finished"] if ok else None,
                "runs": len(mine),
                "failures": sum(1 for r in mine if r["status"] == "failed"),
                "failing": bool(finished) and finished[0]["status"] == "failed",
                "last_error": finished[0]["error"] if finished else "",
                "duration_p50_s": _seconds(d.get("p50")),
                "duration_p95_s": _seconds(d.get("p95")),
                "duration_p99_s": _seconds(d.get("p99")),
                **backlogs[mark],
                "overdue": False,
            }
        )
    return out


def _backlog(engine: Engine, mark: int | None, now: datetime) -> dict[str, Any]:
    """Events ingested after `mark` (µs; None: unknown, a run recorded before the ledger kept
    watermarks) and the age of the oldest."""
    if mark is None:
        return {"backlog_events": None, "backlog_oldest_age_s": None}
    row = engine.query("status/backlog", {"since": naive_utc(_instant(mark))}).row(0, named=True)
    oldest = row["oldest"] if row["events"] else None
    age = (now - oldest).total_seconds() if oldest is not None else None
    return {"backlog_events": int(row["events"]), "backlog_oldest_age_s": age}


def _schedule(
    engine: Engine,
    schedule: Sequence[Scheduled],
    jobs: list[dict[str, Any]],
    now: datetime,
    grace: timedelta,
) -> list[dict[str, Any]]:
    """Per entry: the latest fire at least `grace` ago, and whether each of its jobs has
    started a run since (any outcome: a failure is reported as failing). A job that never ran
    is late only for fires after the store was created."""
    started = {j["job"]: j["last_started"] for j in jobs}
    born = engine.scalar("status/born")
    out = []
    for entry in schedule:
        fire = entry.previous_fire(now - grace)
        late = []
        for job in entry.jobs:
            if job not in JOBS or fire is None:
                continue
            last = started.get(job)
            if (last is None and born is not None and born < fire) or (last and last < fire):
                late.append(job)
        out.append(
            {
                "entry": entry.name,
                "jobs": list(entry.jobs),
                "due_fire": fire,
                "overdue": bool(late),
                "late_jobs": late,
            }
        )
    return out


def _ingest(engine: Engine, now: datetime) -> dict[str, Any]:
    params = {
        "now": naive_utc(now),
        "hour_ago": naive_utc(now - timedelta(hours=1)),
        "day_ago": naive_utc(now - timedelta(days=1)),
    }
    row = engine.query("status/ingest", params).row(0, named=True)
    out = {k: int(row[k]) for k in ("events_1h", "events_1d", "rejects_1h", "rejects_1d")}
    return out | {f"lag_{q}_s": _seconds(row[f"lag_{q}"]) for q in ("p50", "p95", "p99")}


def _freshness(jobs: list[dict[str, Any]], newest: datetime | None) -> list[dict[str, Any]]:
    """The as-of each derived table reflects: its job's last successful run (the per-day
    aggregates: the newest ingest)."""
    rows = [{"table": "daily_metrics", "source": "ingest", "as_of": newest}]
    for j in jobs:
        rows += [
            {"table": t, "source": j["job"], "as_of": j["last_ok_as_of"]} for t in WRITES[j["job"]]
        ]
    return rows


def _skew(engine: Engine) -> dict[str, Any]:
    """The busiest users and the share of all events that the busiest 1 % of users made."""
    frame = engine.query("status/skew", {"top": TOP_USERS})
    if not frame.height:
        return {"users": 0, "events": 0, "top_1pct_users": 0, "top_1pct_share": None, "top": []}
    first = frame.row(0, named=True)
    users, total = int(first["users"]), int(first["total"])
    return {
        "users": users,
        "events": total,
        "top_1pct_users": -(-users // 100),
        "top_1pct_share": round(int(first["top_events"]) / total, 6) if total else None,
        "top": [
            {"rank": int(r["rank"]), "user_id": r["user_id"], "events": int(r["events"])}
            for r in frame.iter_rows(named=True)
        ],
    }


def _leaderboards(
    engine: Engine, config: Config, now: datetime, grace: timedelta
) -> list[dict[str, Any]]:
    """Per board with final runs: the runs with contributions that are due and not final (the
    same runs the leaderboards job would finalize now), and those due more than `grace` ago."""
    out = []
    for board in config.leaderboards:
        kind, ref = board.source
        if kind == "streak" or board.period == "perpetual":
            continue
        finals = set(engine.query("leaderboards/runs", {"board": board.key}, one_run=False)["run"])
        since = max(finals) - LOOKBACK if finals else date(1970, 1, 1)
        dates = engine.query(
            "leaderboards/run_dates",
            {"ref": ref, "since_date": since, "until_date": now.date()},
            source=kind,
        )
        keys = {periods.run_key(d, board.period) for d in dates["local_date"].to_list()}
        due = sorted(
            (k, leaderboards.due(k, board))
            for k in keys - finals
            if leaderboards.due(k, board) <= now
        )
        late = [k for k, t in due if t + grace <= now]
        out.append(
            {
                "board": board.key,
                "final_runs": len(finals),
                "due_not_final": len(due),
                "overdue": len(late),
                "oldest_run": due[0][0] if due else None,
                "oldest_due": due[0][1] if due else None,
            }
        )
    return out


def _erasures(engine: Engine, runs: pl.DataFrame) -> dict[str, Any]:
    """Erasures left pending (killed), and the last one recorded in the ledger."""
    done = runs.filter(pl.col("job") == erase.LEDGER_JOB).to_dicts()
    latest = done[0] if done else None
    return {
        "pending": erase.pending(engine),
        "last_status": latest["status"] if latest else None,
        "last_finished": latest["finished"] if latest else None,
        "last_users": int(latest["rows"]) if latest else None,
        "last_digest": latest["detail"] if latest else None,
    }


def _instant(us: int) -> datetime:
    return watermarks.EPOCH + timedelta(microseconds=int(us))


def _line(error: str) -> str:
    lines = error.strip().splitlines()
    return lines[0][:200] if lines else "(no message)"


def _seconds(us: Any) -> float | None:
    return None if us is None else round(int(us) / 1e6, 3)


def _iso(t: datetime | None) -> str:
    return t.isoformat(timespec="seconds").replace("+00:00", "Z") if t else "never"
