"""The synthetic data generator (`gamify fixtures generate`): shape, realism, determinism."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import polars as pl
import pytest

from gamify_analytics import synthetic as fx
from gamify_analytics import tz as tzdb

END = date(2026, 3, 1)
USERS, DAYS = 200, 20
LO_MS = int(datetime(2026, 2, 10, tzinfo=UTC).timestamp() * 1000)  # END - 19 days
HI_MS = int(datetime(2026, 3, 2, tzinfo=UTC).timestamp() * 1000)  # END + 1 day, exclusive


@pytest.fixture(scope="module")
def clean() -> tuple[pl.DataFrame, pl.DataFrame]:
    return fx.generate(USERS, DAYS, end=END, seed=7)


@pytest.fixture(scope="module")
def dirty() -> tuple[pl.DataFrame, pl.DataFrame]:
    return fx.generate(USERS, DAYS, end=END, seed=7, duplicates=0.05, malformed=0.04)


def test_schema(clean):
    events, users = clean
    assert events.schema == pl.Schema(
        {
            "event_id": pl.String,
            "user_id": pl.String,
            "metric": pl.String,
            "value": pl.Float64,
            "ts": pl.Int64,
            "tz": pl.String,
            "attr.device": pl.String,
        }
    )
    assert users.schema == pl.Schema(
        {"user_id": pl.String, "tz": pl.String, "created_at": pl.Int64, "country": pl.String}
    )
    assert users.height == USERS and users["user_id"].is_unique().all()
    assert users["user_id"].str.contains(r"^u\d{6}$").all()
    assert events["event_id"].is_unique().all()
    assert events["event_id"].str.contains(r"^e\d+$").all()
    assert set(events["user_id"].unique()) <= set(users["user_id"])
    assert set(events["metric"].unique()) == set(fx.DEFAULT_METRICS)
    assert events["ts"].is_sorted()
    names = tzdb.zone_names()
    assert all(z in names for z in users["tz"].unique())
    assert all(z in names for z in events["tz"].unique())
    assert users["country"].str.contains(r"^[A-Z]{2}$").all()


def test_deterministic(clean):
    events, users = clean
    again_events, again_users = fx.generate(USERS, DAYS, end=END, seed=7)
    assert events.equals(again_events) and users.equals(again_users)
    other, _ = fx.generate(USERS, DAYS, end=END, seed=8)
    assert not other.equals(events)


def test_volume_and_skew(clean):
    events, _ = clean
    target = USERS * DAYS
    assert 0.7 * target <= events.height <= 1.3 * target
    per_user = events.group_by("user_id").len()["len"].sort(descending=True)
    top = per_user.head(USERS // 20).sum()  # the top 5 % of users …
    assert top >= 0.25 * events.height  # … hold a large share of the events
    rate, _ = fx.generate(USERS, DAYS, end=END, seed=7, events_per_user_day=3.0)
    assert 2.0 * events.height <= rate.height <= 4.0 * events.height


def test_values(clean):
    events, _ = clean
    v = events["value"]
    assert v.is_finite().all()
    assert (v == 1.0).mean() > 0.3  # mostly small integers …
    assert ((v % 1) != 0).any()  # … some fractional …
    assert 0 < (v < 0).sum() < 0.05 * events.height  # … a few negative
    share = events["attr.device"].is_not_null().mean()
    assert 0.4 < share < 0.8
    assert set(events["attr.device"].drop_nulls().unique()) <= set(fx.DEVICES)


def test_zones_travel_and_timestamps(clean):
    events, users = clean
    assert users["tz"].n_unique() >= 30
    zones = tzdb.zone_names()
    assert {"Australia/Lord_Howe", "Asia/Kathmandu", "Pacific/Chatham"} <= zones
    travellers = events.group_by("user_id").agg(pl.col("tz").n_unique()).filter(pl.col("tz") > 1)
    assert 1 <= travellers.height <= 0.1 * USERS
    # in range: inside the UTC days of the window, never before 2000 or after now + 1 day
    assert events["ts"].min() >= LO_MS and events["ts"].max() < HI_MS
    # not before the user signed up
    joined = events.join(users.select("user_id", "created_at"), on="user_id")
    assert (joined["ts"] > joined["created_at"]).all()
    # plausible local hours, checked with zoneinfo on a sample (events moved back into the
    # window on its first/last UTC day may land an hour off)
    for ts, name in events.sample(300, seed=1).select("ts", "tz").iter_rows():
        local = datetime.fromtimestamp(ts / 1000, UTC).astimezone(tzdb.zone(name))
        assert 6 <= local.hour <= 23 or local.hour == 0, (ts, name, local)


def test_users_active_on_some_days_not_others(clean):
    events, _ = clean
    days = events.select("user_id", (pl.col("ts") // 86_400_000).alias("day")).unique()
    per_user = days.group_by("user_id").len()["len"]
    assert (per_user < DAYS).sum() > 0.5 * per_user.len()  # gaps break streaks
    assert (per_user >= 5).sum() > 0  # and some form


def test_default_end_is_today():
    events, _ = fx.generate(20, 3, seed=1)
    today = datetime.now(UTC).date()
    hi = int(datetime(today.year, today.month, today.day, tzinfo=UTC).timestamp() * 1000)
    assert events["ts"].max() < hi + 86_400_000
    with pytest.raises(ValueError):
        fx.generate(10, 3, end=date(today.year + 1, 1, 1))
    with pytest.raises(ValueError):
        fx.generate(10, 30, end=date(2000, 1, 10))


def test_duplicates_and_malformed(clean, dirty):
    events, _ = clean
    d_events, d_users = dirty
    assert d_events.schema["ts"] == pl.String and d_events["value"].dtype == pl.String
    good = d_events.filter(pl.col("event_id").str.starts_with("e"))
    bad = d_events.filter(pl.col("event_id").str.starts_with("m"))
    # the clean rows are the same whatever extras are asked for
    firsts = good.unique("event_id", keep="first", maintain_order=True)
    assert firsts.height == events.height
    assert set(firsts["event_id"]) == set(events["event_id"])
    dup = good.height - events.height
    assert 0.03 * events.height <= dup <= 0.07 * events.height
    assert 0.02 * events.height <= bad.height <= 0.06 * events.height
    # a duplicate repeats its original's user and metric, and comes after it
    keys = good.group_by("event_id", maintain_order=True).agg(
        pl.col("user_id").n_unique(), pl.col("metric").n_unique()
    )
    assert (keys["user_id"] == 1).all() and (keys["metric"] == 1).all()
    first_value = firsts.select("event_id", pl.col("value").cast(pl.Float64))
    by_id = events.select("event_id", "value").join(first_value, on="event_id")
    assert (by_id["value"] == by_id["value_right"]).all()
    # good rows: ISO-8601 with Z; malformed rows each break something
    assert good["ts"].str.contains(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$").all()
    broken = (
        ~pl.col("ts").str.ends_with("Z")
        | pl.col("ts").str.starts_with("1999")
        | pl.col("ts").str.starts_with("2099")
        | ~pl.col("metric").is_in(fx.DEFAULT_METRICS)
        | (pl.col("tz") == "Mars/Base")
        | (pl.col("user_id") == "")
        | pl.col("value").cast(pl.Float64, strict=False).is_null()
        | ~pl.col("value").cast(pl.Float64, strict=False).is_finite()
    )
    assert bad.select(broken.all()).item()
    assert bad.select(pl.col("tz") == "Mars/Base").to_series().any()
    assert d_users.height == USERS


@pytest.mark.parametrize("suffix", ["parquet", "csv", "ndjson", "jsonl"])
def test_write_and_read_back(tmp_path, clean, suffix):
    events, users = clean
    ev_path, us_path = fx.write(events, users, tmp_path / f"events.{suffix}")
    assert ev_path == tmp_path / f"events.{suffix}"
    assert us_path == tmp_path / f"events.users.{suffix}"
    read = {
        "parquet": pl.read_parquet,
        "csv": pl.read_csv,
        "ndjson": pl.read_ndjson,
        "jsonl": pl.read_ndjson,
    }[suffix]
    back, back_users = read(ev_path), read(us_path)
    assert back_users.equals(users)
    assert back.height == events.height
    if suffix in ("ndjson", "jsonl"):
        assert "attr.device" not in back.columns
        back = back.with_columns(
            pl.col("attributes").struct.field("device").alias("attr.device")
        ).drop("attributes")
        lines = ev_path.read_text().splitlines()
        with_attrs = sum("attributes" in json.loads(line) for line in lines)
        assert with_attrs == events["attr.device"].is_not_null().sum()  # omitted when null
    assert back.select(events.columns).equals(events)


def test_write_malformed_ndjson(tmp_path, dirty):
    events, users = dirty
    path, _ = fx.write(events, users, tmp_path / "dirty.ndjson")
    rows = [json.loads(line) for line in path.read_text().splitlines()]
    assert len(rows) == events.height
    good = [r for r in rows if r["event_id"].startswith("e")]
    assert all(isinstance(r["value"], float) for r in good)  # numbers stay numbers
    assert any(r["value"] == "abc" for r in rows if r["event_id"].startswith("m"))
    with pytest.raises(ValueError):
        fx.write(events, users, tmp_path / "dirty.txt")


def test_generate_parquet_matches_generate(tmp_path):
    kw = dict(end=END, seed=3, duplicates=0.02)
    events, users = fx.generate(300, 10, **kw)
    ev_path, us_path = fx.generate_parquet(300, 10, tmp_path / "big.parquet", chunk_users=1, **kw)
    back = pl.read_parquet(ev_path)
    assert pl.read_parquet(us_path).equals(users)
    order = ["event_id", "ts", "value"]
    assert back.sort(order).equals(events.sort(order))
    with pytest.raises(ValueError):
        fx.generate_parquet(10, 2, tmp_path / "big.csv", end=END)
