"""Golden files in, hand-checked rows out, on both engines."""

from __future__ import annotations

import json
from datetime import date

import polars as pl

from gamify_analytics.api import Gamify
from tests.helpers.stores import GOLDEN

FILES = [GOLDEN / "events.csv", GOLDEN / "events.ndjson", GOLDEN / "events.parquet"]


def _stored_events(g: Gamify) -> pl.DataFrame:
    return g.engine.query("read/events").with_columns(
        pl.col("value").cast(pl.String),
        pl.col("ts").dt.strftime("%Y-%m-%dT%H:%M:%S%.3fZ"),
        pl.col("local_date").cast(pl.String),
        pl.col("attributes").map_elements(
            lambda kv: json.dumps(dict(kv), sort_keys=True),
            return_dtype=pl.String,
        ),
    )


def _expected_events() -> pl.DataFrame:
    exp = pl.read_csv(GOLDEN / "expected_events.csv", infer_schema=False)
    return exp.with_columns(
        pl.col("attributes").map_elements(
            lambda s: json.dumps(json.loads(s), sort_keys=True), return_dtype=pl.String
        )
    ).sort("user_id", "metric", "event_id")


def test_golden_files_store_the_expected_rows(golden: Gamify) -> None:
    summary = golden.ingest(FILES, GOLDEN / "users.csv")
    got = _stored_events(golden)
    exp = _expected_events()
    hashed = got.filter(pl.col("user_id") == "frank").get_column("event_id").to_list()
    assert len(hashed) == 1 and hashed[0].startswith("h:") and len(hashed[0]) == 34
    got = got.with_columns(
        pl.when(pl.col("event_id").str.starts_with("h:"))
        .then(pl.lit("*"))
        .otherwise(pl.col("event_id"))
        .alias("event_id")
    ).sort("user_id", "metric", "event_id")
    assert got.to_dicts() == exp.to_dicts()
    assert summary.accepted == exp.height
    assert summary.duplicates == 2
    assert summary.users_accepted == 2
    # every column of a users file beyond user_id, tz and created_at is an attribute
    users = {r["user_id"]: r["attributes"] for r in golden.engine.query("read/users").to_dicts()}
    assert users == {"alice": {"country": "US"}, "frank": {"country": "NZ"}}


def test_rejects_keep_file_line_reason_and_raw_text(golden: Gamify) -> None:
    golden.ingest(FILES, GOLDEN / "users.csv")
    rejects = golden.rejects().with_columns(pl.col("source").str.split("/").list.last())
    exp = pl.read_csv(GOLDEN / "expected_rejects.csv", infer_schema=False)
    got = rejects.select("kind", "source", pl.col("line").cast(pl.String), "reason")
    assert (
        got.sort("kind", "source", "line").to_dicts()
        == exp.sort("kind", "source", "line").to_dicts()
    )
    raw = dict(zip(rejects.get_column("line"), rejects.get_column("raw"), strict=False))
    assert raw[17] == "b2,gina,lessons,1,2024-03-10T07:00:00,UTC,"
    assert all(r for r in rejects.get_column("raw").to_list())
    fields = set(rejects.get_column("field").to_list())
    assert {"user_id", "ts", "metric", "tz", "value", "row", "attributes"} <= fields


def test_reingest_changes_no_count(golden: Gamify) -> None:
    golden.ingest(FILES, GOLDEN / "users.csv")
    before = golden.counts()
    daily_before = golden.engine.query("read/daily_metrics")
    again = golden.ingest(FILES, GOLDEN / "users.csv")
    assert again.accepted == 0
    assert again.duplicates == _expected_events().height + 2
    assert golden.counts().to_dicts() == before.to_dicts()
    assert golden.engine.query("read/daily_metrics").equals(daily_before)


def test_daily_aggregates_follow_the_events(golden: Gamify) -> None:
    golden.ingest(FILES, GOLDEN / "users.csv")
    daily = golden.engine.query("read/daily_metrics")
    alice = daily.filter((pl.col("user_id") == "alice") & (pl.col("metric") == "lessons"))
    assert alice.select("local_date", pl.col("value_sum").cast(pl.String), "events").rows() == [
        (date(2024, 3, 9), "2.000000", 1),
        (date(2024, 3, 10), "1.000000", 2),
    ]
    ivan = daily.filter(pl.col("user_id") == "ivan").row(0, named=True)
    assert ivan["last_tz"] == "Europe/London" and ivan["events"] == 2
