"""Local dates agree with zoneinfo (pinned tzdata) at every DST transition and local midnight,
±1 ms, for the odd zones, 2010–2030, on both engines."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import polars as pl
import pytest

from gamify_analytics import config, tz
from gamify_analytics.api import Gamify

ZONES = (
    "America/New_York",
    "Europe/London",
    "Australia/Lord_Howe",
    "Asia/Kathmandu",
    "Pacific/Chatham",
    "Pacific/Apia",
    "America/Santiago",
)
START = int(datetime(2010, 1, 1, tzinfo=UTC).timestamp() * 1000)
END = int(datetime(2031, 1, 1, tzinfo=UTC).timestamp() * 1000)


def _reference_date(ms: int, zone: str) -> date:
    return datetime.fromtimestamp(ms / 1000, UTC).astimezone(tz.zone(zone)).date()


def _local_midnights(zone: str) -> list[int]:
    """First instant of each local date, found from zoneinfo alone: walk UTC hours and bisect
    each change of local date to the millisecond."""
    z = tz.zone(zone)
    out = []
    t = START
    prev = _reference_date(t, zone)
    step = 3_600_000
    while t < END:
        nxt = t + step
        d = datetime.fromtimestamp(nxt / 1000, UTC).astimezone(z).date()
        if d != prev:
            lo, hi = t, nxt
            while hi - lo > 1:
                mid = (lo + hi) // 2
                if _reference_date(mid, zone) == prev:
                    lo = mid
                else:
                    hi = mid
            out.append(hi)
            prev = d
        t = nxt
    return out


def _edge_instants() -> pl.DataFrame:
    rows = []
    for zone in ZONES:
        edges = [t * 1000 for t, _ in tz.transitions(zone) if START <= t * 1000 < END]
        edges += _local_midnights(zone)[::7]  # every 7th midnight keeps the test quick
        for e in edges:
            rows += [(zone, e + d) for d in (-1, 0, 1)]
    return pl.DataFrame(rows, schema=["tz", "ts_ms"], orient="row")


@pytest.fixture(scope="module")
def edges() -> pl.DataFrame:
    return _edge_instants()


def test_offsets_table_matches_zoneinfo_everywhere() -> None:
    """Every zone of the pinned tzdata, 1999–2045: each row's offset holds at its first,
    middle and last second."""
    bad = []
    for zone in sorted(tz.zone_names()):
        z = tz.zone(zone)
        rows = tz.transitions(zone)
        for (t0, off), nxt in zip(rows, [*rows[1:], None], strict=True):
            t1 = nxt[0] if nxt else tz.RANGE_END
            for t in (t0, (t0 + t1) // 2, t1 - 1):
                want = datetime.fromtimestamp(t, UTC).astimezone(z).utcoffset()
                if want != timedelta(seconds=off):
                    bad.append((zone, t, off, want))
    assert not bad[:5]


def test_zone_edges_are_dense_enough(edges: pl.DataFrame) -> None:
    # Transitions and midnights for 7 zones over 21 years: thousands of instants.
    assert edges.height > 7 * 21 * 52 * 3 / 7
    assert edges.filter(pl.col("tz") == "Pacific/Apia").height > 100


def test_ingested_local_dates_match_zoneinfo(dsn: str, edges: pl.DataFrame, tmp_path) -> None:
    events = edges.with_row_index("n").select(
        pl.format("e{}", "n").alias("event_id"),
        pl.lit("u").alias("user_id"),
        pl.lit("m").alias("metric"),
        pl.col("ts_ms").alias("ts"),
        "tz",
    )
    path = tmp_path / "edges.parquet"
    events.write_parquet(path)
    cfg = config.parse({"metrics": [{"key": "m"}]})
    with Gamify(cfg, dsn) as g:
        summary = g.ingest([path], now_ms=END)
        assert summary.accepted == events.height
        stored = g.engine.query("read/events").select(
            "event_id", pl.col("ts").dt.epoch("ms").alias("ms"), "tz", "local_date"
        )
    want = [_reference_date(ms, zone) for ms, zone in zip(stored["ms"], stored["tz"], strict=True)]
    mismatches = stored.filter(pl.Series(want) != stored["local_date"])
    assert mismatches.height == 0, mismatches.head()
    # the skipped day really is skipped, and the 25-hour day has two midnights' worth of hours
    dates = set(stored.filter(pl.col("tz") == "Pacific/Apia")["local_date"].to_list())
    assert date(2011, 12, 30) not in dates
    assert {date(2011, 12, 29), date(2011, 12, 31)} <= dates
