"""`gamify verify`: recompute a random sample of the stored aggregates from the raw events.

The aggregates are kept incrementally (a materialized view or ingest's merge for
`daily_metrics`, the jobs for streak chains and points), so a bug, a lost insert or a hand edit
would otherwise go unnoticed: each check compares what is stored with a recompute for a sample
of keys and reports the rows that differ. docs/report.md describes the checks.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

import polars as pl

from gamify_analytics import dashboards, streaks, text, watermarks
from gamify_analytics.config import Config
from gamify_analytics.dashboards import rollups as builds
from gamify_analytics.dashboards import slices
from gamify_analytics.engines import Engine, naive_utc
from gamify_analytics.records import Record

DAILY_KEYS = ["user_id", "metric", "local_date"]
DAILY_SCHEMA = {
    "user_id": pl.String,
    "metric": pl.String,
    "local_date": pl.Date,
    "value_sum": pl.Decimal(38, 6),
    "events": pl.Int64,
    "last_change": pl.Datetime("ms", "UTC"),
}
TOTALS_SCHEMA = {"user_id": pl.String, "system": pl.String, "total": pl.Decimal(38, 6)}


@dataclass(frozen=True)
class Check(Record):
    """One line of the report: how many keys were compared, how many differ, and the first."""

    check: str
    sampled: int
    drifted: int
    example: str = ""


def verify(engine: Engine, config: Config, sample: int, seed: int) -> list[Check]:
    """Every check on the same sample of users (`sample` of them, chosen by `seed`)."""
    users = engine.query("verify/sample_users", {"seed": seed, "sample": sample})
    ids = users["user_id"].to_list() if users.height else []
    checks = [daily_metrics(engine, ids, sample, seed)]
    for streak in config.streaks:
        state = watermarks.streak_state(engine, streak)
        if state:  # chains stored under the current rules (others await a job run)
            checks.append(streak_chains(engine, config, streak.key, state, ids))
    checks.append(points_totals(engine, ids))
    checks.append(rollups(engine, config, seed))
    return checks


#: Days of the sub-range each current dashboard build is checked over.
ROLLUP_DAYS = 7
#: Filtered builds checked per dashboard (chosen by the seed), beside the unfiltered one.
ROLLUP_SLICES = 2


def rollups(engine: Engine, config: Config, seed: int) -> Check:
    """Each dashboard whose rollups are current, read over a random week both from them and
    exactly (from the per-day tables and job outputs): unfiltered and with the filters of
    `ROLLUP_SLICES` of its filtered builds, each also by a metric where the dashboard takes
    the metric's items from such a build. One key per panel."""
    rnd = random.Random(seed)
    current = builds.fingerprints(engine, config)
    kept = slices.built(engine, config)
    sampled, drifted, example = 0, 0, ""
    for name in dashboards.NAMES:
        filtered = kept[name][1:]
        chosen = [kept[name][0], *rnd.sample(filtered, min(ROLLUP_SLICES, len(filtered)))]
        for s in chosen:
            build = builds.load(engine, s.key(name))
            if build is None or build.fingerprint != current[name]:
                continue
            start = rnd.randint(0, (build.last_day - build.first_day).days)
            lo = build.first_day + timedelta(days=start)
            hi = min(lo + timedelta(days=ROLLUP_DAYS - 1), build.last_day)
            metrics = [s.metric]
            if name not in slices.EVENT and config.metrics:
                metrics.append(rnd.choice(config.metrics))
            for metric in metrics:
                f = dashboards.Filters(lo, hi, metric, s.attributes)
                got = dashboards.query(engine, config, name, f)
                want = dashboards.query(engine, config, name, f, rollups=False)
                for panel, frame in got.items():
                    sampled += 1
                    if not frame.equals(want[panel]):
                        drifted += 1
                        example = example or f"{name}.{panel} {_described(f)}"
    return Check("dashboard_rollups", sampled, drifted, example)


def _described(f: dashboards.Filters) -> str:
    out = f"{f.date_from}…{f.date_to}"
    if f.metric:
        out += f" metric={f.metric}"
    return out + "".join(f" {k}={v}" for k, v in f.attributes)


def daily_metrics(engine: Engine, users: list[str], sample: int, seed: int) -> Check:
    """`sample` (user, metric, local day) keys of the sampled users, stored on either side."""
    params = {"users": users}
    stored = _shape(engine.query("read/daily_metrics", params, users_filter=True), DAILY_SCHEMA)
    raw = _shape(engine.query("verify/daily_raw", params), DAILY_SCHEMA)
    keys = pl.concat([stored.select(DAILY_KEYS), raw.select(DAILY_KEYS)]).unique().sort(DAILY_KEYS)
    if keys.height > sample:
        keys = keys[sorted(random.Random(seed).sample(range(keys.height), sample))]
    return compare(
        "daily_metrics",
        DAILY_KEYS,
        stored.join(keys, on=DAILY_KEYS, how="semi"),
        raw.join(keys, on=DAILY_KEYS, how="semi"),
    )


def streak_chains(
    engine: Engine, config: Config, key: str, state: dict[str, str], users: list[str]
) -> Check:
    """The state judged from the stored chains vs recomputed from the events, both as of the
    job's as-of. Users with events ingested since that run are left out: not drift, pending."""
    as_of = datetime.fromisoformat(state["as_of"])
    since = naive_utc(datetime.fromisoformat(state["watermark"]))
    pending = engine.query("verify/ingested_since", {"users": users, "since": since})
    settled = sorted(set(users) - set(pending["user_id"].to_list() if pending.height else []))
    return compare(
        f"streak_chains:{key}",
        ["user_id"],
        streaks.stored(engine, config, key, as_of, settled),
        streaks.compute(engine, config, key, as_of, settled),
    )


def points_totals(engine: Engine, users: list[str]) -> Check:
    """Each sampled user's carried points total vs the sum of their awards in the ledger."""
    params = {
        "users": users,
        "committed": watermarks.committed_seq(engine, watermarks.POINTS),
        "user": None,
    }
    totals = engine.query("points/totals", params, one_user=False, some_users=True)
    ledger = engine.query("verify/ledger_sums", params)
    return compare(
        "points_totals",
        ["user_id", "system"],
        _shape(totals, TOTALS_SCHEMA),
        _shape(ledger, TOTALS_SCHEMA),
    )


def compare(check: str, keys: list[str], stored: pl.DataFrame, recomputed: pl.DataFrame) -> Check:
    """Rows of `stored` and `recomputed` matched on `keys`: a row drifts when it is missing on
    one side or any other column differs (nulls equal only nulls)."""
    values = [c for c in stored.columns if c not in keys]
    joined = (
        stored.with_columns(_in_stored=pl.lit(True))
        .join(
            recomputed.with_columns(_in_raw=pl.lit(True)),
            on=keys,
            how="full",
            coalesce=True,
            suffix="_raw",
        )
        .sort(keys)
    )
    differs = pl.col("_in_stored").is_null() | pl.col("_in_raw").is_null()
    for v in values:
        differs = differs | pl.col(v).ne_missing(pl.col(f"{v}_raw"))
    drifted = joined.filter(differs)
    example = _describe(drifted.row(0, named=True), keys, values) if drifted.height else ""
    return Check(check, joined.height, drifted.height, example)


def _describe(row: dict, keys: list[str], values: list[str]) -> str:
    """`alice/lessons/2024-03-10: value_sum stored 8 ≠ recomputed 3` (first differing column)."""
    key = "/".join(str(text.plain(row[k])) for k in keys)
    if row["_in_stored"] is None:
        return f"{key}: missing from the stored rows"
    if row["_in_raw"] is None:
        return f"{key}: stored, but not in the recompute"
    diffs = [
        f"{v} stored {text.plain(row[v])} ≠ recomputed {text.plain(row[f'{v}_raw'])}"
        for v in values
        if row[v] != row[f"{v}_raw"]
    ]
    return f"{key}: " + "; ".join(diffs)


def _shape(frame: pl.DataFrame, schema: dict) -> pl.DataFrame:
    """One set of column types whatever the engine (UInt64 vs Int64 counts, …)."""
    if frame.height == 0:
        return pl.DataFrame(schema=schema)
    return frame.select([pl.col(c).cast(t) for c, t in schema.items()])
