"""Turn a batch of raw rows into stored rows and rejects, vectorised with polars.

Each row gets the first problem found (in field order) as its reason, quoting the value at
fault; a row with none is normalised: UTC millisecond `ts`, 6-decimal `value`, resolved `tz`,
`local_date` from the pinned tzdata, and a deterministic `event_id` when the input had none.
Good rows keep their `_line` (for the duplicates table) and say whether their zone fell back to
UTC (`_utc_fallback`); rejects keep their reason without the value as `cause` (the ingest
summary counts by it).
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

import polars as pl

from gamify_analytics import text
from gamify_analytics import tz as tzdb
from gamify_analytics.ingest.readers import raw_json
from gamify_analytics.ingest.values import micro_to_decimal, ts_millis, value_micro

MIN_TS_MS = int(datetime(2000, 1, 1, tzinfo=UTC).timestamp() * 1000)
DAY_MS = 86_400_000
_CONTROL = r"[\x00-\x1f\x7f-\x9f]"
EVENT_COLUMNS = ("user_id", "metric", "event_id", "value", "ts", "tz", "local_date", "attributes")
REJECT_COLUMNS = ("kind", "source", "line", "field", "reason", "raw")
#: Input fields whose value a reason naming them quotes.
QUOTED_FIELDS = ("user_id", "metric", "event_id", "value", "ts", "tz", "created_at")


def _first_reason(*reasons: pl.Expr) -> pl.Expr:
    return pl.coalesce(*reasons)


def _reason(cond: pl.Expr, text: str) -> pl.Expr:
    return pl.when(cond).then(pl.lit(text))


def _default_event_id(row: dict) -> str:
    attrs = "\x1e".join(
        f"{a['key']}={a['value']}" for a in sorted(row["attributes"] or [], key=lambda a: a["key"])
    )
    text = "\x1f".join(
        str(row[k]) if row[k] is not None else ""
        for k in ("user_id", "metric", "_micro", "_ms", "tz")
    )
    return "h:" + hashlib.sha256(f"{text}\x1f{attrs}".encode()).hexdigest()[:32]


def events(
    batch: pl.DataFrame,
    *,
    source: str,
    metrics: frozenset[str],
    user_tz: pl.DataFrame,
    now_ms: int,
    fields: tuple[str, ...],
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(good events, rejects) of one batch. `user_tz` maps user_id → tz for rows without tz."""
    micro, value_reason = value_micro(batch.get_column("value"))
    ms, ts_reason = ts_millis(batch.get_column("ts"))
    f = batch.with_columns(
        pl.col("user_id").cast(pl.String),
        pl.col("metric").cast(pl.String),
        pl.col("event_id").cast(pl.String),
        pl.col("tz").cast(pl.String),
        _given_tz=pl.col("tz").cast(pl.String),
        _micro=micro,
        _value_reason=value_reason,
        _ms=ms,
        _ts_reason=ts_reason,
    )
    f = f.join(user_tz.rename({"tz": "_user_tz"}), on="user_id", how="left", maintain_order="left")
    known_zones = list(tzdb.zone_names())
    uid, met, eid, zone = pl.col("user_id"), pl.col("metric"), pl.col("event_id"), pl.col("tz")
    reason = _first_reason(
        pl.col("_error"),
        _reason(uid.is_null() | (uid == ""), "user_id: missing"),
        _reason(uid.str.len_chars() > 256, "user_id: longer than 256 characters"),
        _reason(uid.str.contains(_CONTROL), "user_id: contains control characters"),
        _reason(met.is_null(), "metric: missing"),
        _reason(~met.is_in(list(metrics)), "metric: not a metric of the config"),
        _reason(eid.str.len_chars() > 128, "event_id: longer than 128 characters"),
        pl.col("_value_reason"),
        pl.col("_ts_reason"),
        _reason(
            (pl.col("_ms") < MIN_TS_MS) | (pl.col("_ms") > now_ms + DAY_MS),
            "ts: outside 2000-01-01 .. now + 1 day",
        ),
        _reason(zone.is_not_null() & ~zone.is_in(known_zones), "tz: unknown time zone"),
    )
    f = f.with_columns(_reason=reason)
    bad = f.filter(pl.col("_reason").is_not_null())
    good = f.filter(pl.col("_reason").is_null()).with_columns(
        tz=pl.coalesce(zone, pl.col("_user_tz"), pl.lit("UTC")),
        _utc_fallback=zone.is_null() & pl.col("_user_tz").is_null(),
    )
    missing_id = good.get_column("event_id").is_null()
    if missing_id.any():
        idx = missing_id.arg_true()
        # Hash the tz as given (null when defaulted) so a later users-file change cannot give a
        # re-ingested event a new id.
        rows = (
            good[idx]
            .select(
                "user_id", "metric", "_micro", "_ms", "attributes", pl.col("_given_tz").alias("tz")
            )
            .to_dicts()
        )
        ids = pl.Series([_default_event_id(r) for r in rows], dtype=pl.String)
        good = good.with_columns(good.get_column("event_id").scatter(idx, ids))
    good = good.with_columns(local_date=tzdb.local_dates(good, ts_ms="_ms", tz="tz")).select(
        "user_id",
        "metric",
        "event_id",
        pl.col("_micro")
        .map_batches(micro_to_decimal, return_dtype=pl.Decimal(18, 6))
        .alias("value"),
        pl.from_epoch("_ms", time_unit="ms").dt.replace_time_zone("UTC").alias("ts"),
        "tz",
        "local_date",
        "attributes",
        "_line",
        "_utc_fallback",
    )
    return good, rejects(bad, "event", source, fields)


def rejects(bad: pl.DataFrame, kind: str, source: str, fields: tuple[str, ...]) -> pl.DataFrame:
    """The rejects of `bad` (REJECT_COLUMNS, and `cause`: the reason without the value)."""
    field = pl.col("_reason").str.split_exact(": ", 1).struct.field("field_0")
    at_fault = pl.coalesce(
        pl.when(field == name).then(pl.col(name).cast(pl.String))
        for name in QUOTED_FIELDS
        if name in bad.columns
    )
    frame = bad.select(
        pl.lit(kind).alias("kind"),
        pl.lit(source).alias("source"),
        pl.col("_line").alias("line"),
        field.alias("field"),
        pl.col("_reason").alias("cause"),
        pl.coalesce(pl.col("_raw"), raw_json(fields)).alias("raw"),
        at_fault.alias("_value"),
    )
    quoted = pl.col("_value").map_elements(text.quote, return_dtype=pl.String)
    return frame.with_columns(
        reason=pl.when(pl.col("_value").is_not_null() & (pl.col("_value") != ""))
        .then(pl.concat_str(pl.col("cause"), pl.lit(": "), quoted))
        .otherwise(pl.col("cause"))
    ).select(*REJECT_COLUMNS, "cause")


def users(
    batch: pl.DataFrame, *, source: str, fields: tuple[str, ...]
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(good users, rejects) of one batch of the users file."""
    created, created_reason = ts_millis(batch.get_column("created_at"))
    f = batch.with_columns(
        pl.col("user_id").cast(pl.String),
        pl.col("tz").cast(pl.String),
        _ms=created,
        _created_reason=pl.when(batch.get_column("created_at").is_not_null()).then(
            created_reason.str.replace("^ts:", "created_at:")
        ),
    )
    uid, zone = pl.col("user_id"), pl.col("tz")
    f = f.with_columns(
        _reason=_first_reason(
            pl.col("_error"),
            _reason(uid.is_null() | (uid == ""), "user_id: missing"),
            _reason(uid.str.len_chars() > 256, "user_id: longer than 256 characters"),
            _reason(uid.str.contains(_CONTROL), "user_id: contains control characters"),
            _reason(
                zone.is_not_null() & ~zone.is_in(list(tzdb.zone_names())), "tz: unknown time zone"
            ),
            pl.col("_created_reason"),
        )
    )
    good = (
        f.filter(pl.col("_reason").is_null())
        .unique("user_id", keep="last", maintain_order=True)
        .select(
            "user_id",
            pl.col("tz").fill_null("UTC"),
            pl.from_epoch("_ms", time_unit="ms").dt.replace_time_zone("UTC").alias("created_at"),
            "attributes",
        )
    )
    return good, rejects(f.filter(pl.col("_reason").is_not_null()), "user", source, fields)
