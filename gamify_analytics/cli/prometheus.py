"""`gamify status --format prometheus`: the report as Prometheus text exposition (the format
node_exporter's textfile collector reads), every metric a gauge named `gamify_…`.

User ids never become labels: a monitoring system is no place for personal data, so the skew
metrics give shares and counts only. A figure the store cannot tell (a job that never ran) is
left out rather than written as a made-up value.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from gamify_analytics.status import Status

Sample = tuple[dict[str, str], Any]


def render(report: Status) -> str:
    """The whole report as exposition text: HELP and TYPE, then the samples of each metric."""
    jobs, ingest, skew = report.jobs, report.ingest, report.skew
    metrics: list[tuple[str, str, list[Sample]]] = [
        ("status_healthy", "1 when nothing alerts (gamify status exits 0)", [({}, report.healthy)]),
        ("status_alerts", "alerts raised by this report", [({}, len(report.alerts))]),
        ("status_timestamp_seconds", "when the report was made", [({}, report.now)]),
        _per_job(jobs, "last_finished", "job_last_finished_timestamp_seconds", "last run end"),
        _per_job(jobs, "last_ok_finished", "job_last_success_timestamp_seconds", "last success"),
        _per_job(jobs, "last_ok_as_of", "job_last_success_as_of_timestamp_seconds", "its as-of"),
        _per_job(jobs, "failures", "job_failures", "failed runs among the latest runs"),
        _per_job(jobs, "failing", "job_failing", "1 when the job's latest finished run failed"),
        _per_job(jobs, "overdue", "job_overdue", "1 when a scheduled run of the job is overdue"),
        _per_job(jobs, "duration_p50_s", "job_duration_p50_seconds", "median run duration"),
        _per_job(jobs, "duration_p95_s", "job_duration_p95_seconds", "95th percentile duration"),
        _per_job(jobs, "duration_p99_s", "job_duration_p99_seconds", "99th percentile duration"),
        _per_job(jobs, "backlog_events", "job_backlog_events", "events the job has not processed"),
        _per_job(
            jobs,
            "backlog_oldest_age_s",
            "job_backlog_oldest_age_seconds",
            "age of the oldest event the job has not processed",
        ),
        (
            "ingest_events",
            "events ingested in the window",
            [({"window": w}, ingest[f"events_{w}"]) for w in ("1h", "1d")],
        ),
        (
            "ingest_rejects",
            "input rows rejected in the window",
            [({"window": w}, ingest[f"rejects_{w}"]) for w in ("1h", "1d")],
        ),
        *(
            (f"ingest_lag_{q}_seconds", f"{q} of ingested_at - ts over the last day", [({}, v)])
            for q, v in ((q, ingest[f"lag_{q}_s"]) for q in ("p50", "p95", "p99"))
        ),
        (
            "table_as_of_timestamp_seconds",
            "the as-of each derived table reflects",
            [({"table": f["table"], "source": f["source"]}, f["as_of"]) for f in report.freshness],
        ),
        ("skew_users", "users with events", [({}, skew["users"])]),
        ("skew_events", "events stored", [({}, skew["events"])]),
        (
            "skew_top_1pct_share",
            "share of events from the busiest 1 % of users",
            [({}, skew["top_1pct_share"])],
        ),
        (
            "skew_top_user_events",
            "events of the busiest user",
            [({}, skew["top"][0]["events"])] if skew["top"] else [],
        ),
        _per_board(report, "due_not_final", "leaderboard_runs_due_not_final", "due, not final"),
        _per_board(report, "overdue", "leaderboard_runs_overdue", "due past the grace, not final"),
        (
            "schedule_entry_overdue",
            "1 when the entry's jobs have not run since its last fire",
            [({"entry": e["entry"]}, e["overdue"]) for e in report.schedule],
        ),
        (
            "erasures_pending",
            "erasures that did not finish (run them again with the same ids)",
            [({}, len(report.erasures["pending"]))],
        ),
    ]
    return "".join(_metric(f"gamify_{n}", h, s) for n, h, s in metrics)


def _per_job(jobs: list[dict], key: str, name: str, help_: str) -> tuple[str, str, list[Sample]]:
    return name, help_, [({"job": j["job"]}, j[key]) for j in jobs]


def _per_board(report: Status, key: str, name: str, help_: str) -> tuple[str, str, list[Sample]]:
    return (
        name,
        f"leaderboard runs {help_}",
        [({"board": b["board"]}, b[key]) for b in report.leaderboards],
    )


def _metric(name: str, help_: str, samples: Iterable[Sample]) -> str:
    lines = [f"# HELP {name} {help_}", f"# TYPE {name} gauge"]
    for labels, value in samples:
        if value is None:
            continue
        tags = ",".join(f'{k}="{_escape(v)}"' for k, v in labels.items())
        lines.append(f"{name}{{{tags}}} {_number(value)}" if tags else f"{name} {_number(value)}")
    return "\n".join(lines) + "\n"


def _number(value: Any) -> str:
    if isinstance(value, datetime):
        return repr(round(value.timestamp(), 3))
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value) if isinstance(value, int) else repr(float(value))


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
