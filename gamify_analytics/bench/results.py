"""The benchmark's results as rows (each figure on both engines, their ratio and its target)
and as a BENCHMARKS.md entry."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from gamify_analytics.bench.history import READ_FILTERS
from gamify_analytics.bench.measure import (
    NEW_DAY_JOBS,
    READS,
    RSS_STEPS,
    commit,
    load_average,
    machine,
)
from gamify_analytics.dashboards import NAMES

BENCHMARKS_MD = Path("BENCHMARKS.md")


def read_rows(ch: dict, dd: dict, name: str, label: str, target: str) -> list[dict]:
    return [
        _row(
            f"{label}, {q} of {READS} (ms)",
            ch[f"lb_{name}_{q}_s"] * 1000,
            dd[f"lb_{name}_{q}_s"] * 1000,
            target if q == "p95" else "",
        )
        for q in ("p50", "p95")
    ]


def history_rows(ch: dict, dd: dict, streaks: int) -> list[dict]:
    return [
        _row(
            "ingest (events/s)",
            ch["events"] / ch["ingest_s"],
            dd["events"] / dd["ingest_s"],
            "≥ 2,000,000/s embedded",
            per_s=True,
        ),
        _row(
            f"full streak recompute, {streaks} streaks (s)",
            ch["streaks_full_s"],
            dd["streaks_full_s"],
            "≤ 5 s, or ≤ 1.5× the bare fold",
        ),
        _row(
            "reference: bare per-user fold, same streaks (s)",
            ch["bare_fold_s"],
            dd["bare_fold_s"],
            "",
        ),
        _ratio_row(
            "full streak recompute ÷ bare fold", ch, dd, "streaks_full_s", "bare_fold_s", "≤ 1.5×"
        ),
        _row("one new day: ingest (s)", ch["newday_ingest_s"], dd["newday_ingest_s"], ""),
        *(
            _row(f"full {name} (s)", ch[f"{key}_full_s"], dd[f"{key}_full_s"], "≤ 30 s")
            for key, name in (
                ("achievements", "achievements job"),
                ("points", "points job"),
                ("dashboards", "dashboards build"),
            )
        ),
        *_job_rows(ch, dd, "newday", "one new day", "≤ 2 s"),
        *_job_rows(ch, dd, "noop", "nothing new", "≤ 0.3 s"),
        _row("stored streak read, all users (s)", ch["stored_read_s"], dd["stored_read_s"], ""),
        _row(
            "leaderboards: finalize every run of the history (s)",
            ch["leaderboards_full_s"],
            dd["leaderboards_full_s"],
            "≤ 30 s",
        ),
        _row(
            f"finalize a monthly run, {int(ch['participants_monthly_lessons']):,} participants (s)",
            ch["finalize_monthly_lessons_s"],
            dd["finalize_monthly_lessons_s"],
            "",
        ),
        _row(
            f"finalize a daily run, {int(ch['participants_daily_xp']):,} participants (s)",
            ch["finalize_daily_xp_s"],
            dd["finalize_daily_xp_s"],
            "",
        ),
        *read_rows(ch, dd, "provisional", "provisional top-1,000 read, monthly board", "≤ 50 ms"),
        *read_rows(ch, dd, "final", "final top-1,000 read, monthly board", "≤ 10 ms"),
        *(
            _row(
                f"dashboard {name}{_FILTER_LABELS[kind]}, {q} of {_runs(ch, dd, key)} (ms)",
                ch[f"{key}_{q}_s"] * 1000,
                dd[f"{key}_{q}_s"] * 1000,
                "≤ 100 ms" if q == "p95" else "",
            )
            for name in NAMES
            for kind in READ_FILTERS
            for key in [f"dash_{name}{kind}"]
            for q in ("p50", "p95")
        ),
    ]


_FILTER_LABELS = {
    "": "",
    "_metric": ", by metric",
    "_attribute": ", by attribute",
    "_both": ", by metric and attribute",
}


def _runs(ch: dict, dd: dict, key: str) -> str:
    """How many reads a percentile is of (fewer for slow reads), per engine if they differ."""
    runs = [f"{m.get(f'{key}_runs', READS):.0f}" for m in (ch, dd)]
    return runs[0] if runs[0] == runs[1] else " / ".join(runs)


def ingest_rows(ch: dict, dd: dict) -> list[dict]:
    def rate(key: str) -> list[float]:
        return [m[f"{key}_events"] / m[f"{key}_s"] for m in (ch, dd)]

    bare = [m["ingest_only_events"] / m["bare_insert_s"] for m in (ch, dd)]
    return [
        _row("ingest, Parquet (events/s)", *rate("ingest_only"), "≥ 2,000,000/s embedded", True),
        _row("reference: bare insert of the same file (rows/s)", *bare, "", per_s=True),
        _ratio_row(
            "ingest ÷ bare insert (time)", ch, dd, "ingest_only_s", "bare_insert_s", "≤ 1.5×"
        ),
        _row("the same file again (s)", ch["reingest_s"], dd["reingest_s"], ""),
        _ratio_row(
            f"the same file again ÷ first ingest ({int(ch['reingest_new'])} and "
            f"{int(dd['reingest_new'])} events stored)",
            ch,
            dd,
            "reingest_s",
            "ingest_only_s",
            "≤ 1×, nothing stored",
        ),
        _row(
            "peak RSS: ingest (GiB)", ch["ingest_only_rss_gib"], dd["ingest_only_rss_gib"], "≤ 8 GB"
        ),
        _row("ingest, CSV sample (events/s)", *rate("csv"), "", per_s=True),
        _row("ingest, NDJSON sample (events/s)", *rate("ndjson"), "", per_s=True),
    ]


def rss_rows(ch: dict, dd: dict) -> list[dict]:
    return [
        _row(f"peak RSS: {label} (GiB)", ch[f"{key}_rss_gib"], dd[f"{key}_rss_gib"], "≤ 8 GB")
        for key, label in RSS_STEPS.items()
    ]


def crowd_rows(ch: dict, dd: dict) -> list[dict]:
    n = f"{int(ch['crowd_participants']):,} participants"
    since = f"{int(ch['crowd_after_job']):,} events since the job"
    return [
        _row("crowd: ingest 99% of the day (s)", ch["crowd_ingest_s"], dd["crowd_ingest_s"], ""),
        _row("crowd: leaderboards job (s)", ch["crowd_job_s"], dd["crowd_job_s"], ""),
        *read_rows(
            ch, dd, "crowd_settled", f"provisional top-1,000 read, {n}, none since the job", ""
        ),
        *read_rows(
            ch, dd, "crowd_provisional", f"provisional top-1,000 read, {n}, {since}", "≤ 50 ms"
        ),
        _row(f"finalize a daily run, {n} (s)", ch["crowd_finalize_s"], dd["crowd_finalize_s"], ""),
        *read_rows(ch, dd, "crowd_final", f"final top-1,000 read, {n}", "≤ 10 ms"),
    ]


def _job_rows(ch: dict, dd: dict, prefix: str, label: str, target: str) -> list[dict]:
    """One row per job of a round of every job (`{prefix}_{job}_s`), then their sum against
    `target`."""
    rows = [
        _row(f"{label}: {job} job (s)", ch[f"{prefix}_{job}_s"], dd[f"{prefix}_{job}_s"], "")
        for job in NEW_DAY_JOBS
    ]
    total = [sum(m[f"{prefix}_{job}_s"] for job in NEW_DAY_JOBS) for m in (ch, dd)]
    return [*rows, _row(f"{label}: all jobs (s)", *total, target)]


def _row(name: str, ch: float, dd: float, target: str, per_s: bool = False) -> dict:
    ratio = ch / dd if per_s else dd / ch
    fmt = (lambda v: f"{v:,.0f}") if per_s else (lambda v: f"{v:.2f}")
    return {
        "benchmark": name,
        "clickhouse": fmt(ch),
        "duckdb": fmt(dd),
        "clickhouse_advantage": f"{ratio:.2f}×",
        "target": target,
    }


def _ratio_row(name: str, ch: dict, dd: dict, key: str, ref: str, target: str) -> dict:
    """A row of ratios `key ÷ ref` (project ÷ reference), each engine against its own
    reference."""
    return {
        "benchmark": name,
        "clickhouse": f"{ch[key] / ch[ref]:.2f}×",
        "duckdb": f"{dd[key] / dd[ref]:.2f}×",
        "clickhouse_advantage": "",
        "target": target,
    }


def record(rows: list[dict], peak: float, data: str, load_before: str) -> None:
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        f"\n### {stamp} — {machine()}, commit {commit()}\n",
        f"{data}; `gamify bench` with the demo config. Load average before the run "
        f"{load_before}, after it {load_average()}.\n",
        "| benchmark | embedded ClickHouse | DuckDB | ClickHouse advantage | target |",
        "|---|---:|---:|---:|---|",
    ]
    lines += [
        f"| {r['benchmark']} | {r['clickhouse']} | {r['duckdb']} | "
        f"{r['clickhouse_advantage']} | {r['target']} |"
        for r in rows
    ]
    lines.append(f"\nPeak RSS of the bench process: {peak:.2f} GiB.\n")
    with BENCHMARKS_MD.open("a") as f:
        f.write("\n".join(lines) + "\n")
