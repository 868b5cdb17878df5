"""Vectorised parsing of the two input fields that need exact arithmetic: `value` and `ts`."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation

import numpy as np
import polars as pl
import pyarrow as pa

MICRO = 1_000_000
#: Decimal(18, 6): |value| < 10^12.
MAX_MICRO = 10**18 - 1
#: Digits are ASCII: `\d` would also match other scripts' digits, which Int64 casts refuse.
_SIMPLE_DECIMAL = r"^-?[0-9]{1,12}(\.[0-9]{1,6})?$"
_ISO = (
    r"^([0-9]{4}-[0-9]{2}-[0-9]{2})[Tt ]([0-9]{2}):([0-9]{2})(?::([0-9]{2})(?:[.,]([0-9]{1,9}))?)?"
    r"(Z|z|[+-][0-9]{2}(?::?[0-9]{2})?)?$"
)
_EPOCH_MS = r"^-?[0-9]{1,15}$"
#: What the slow path accepts: Python's Decimal alone would also read "1_000" and other
#: scripts' digits as numbers.
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


def _exact_micro(text: str | None) -> int | None:
    """Slow path for what the fast paths cannot do exactly: exponents, > 6 fractional digits,
    signs and spaces. Half-even rounding on the decimal as written."""
    if text is None:
        return None
    text = text.strip()
    if not _NUMBER.fullmatch(text):
        return None
    try:
        d = Decimal(text)
    except InvalidOperation:
        return None
    if not d.is_finite() or d.adjusted() > 11:
        # |d| >= 10^12: out of range, and quantizing a huge exponent would overflow the context
        return None
    micro = int(d.quantize(Decimal("0.000001"), rounding=ROUND_HALF_EVEN).scaleb(6))
    return micro if abs(micro) <= MAX_MICRO else None


def value_micro(col: pl.Series) -> tuple[pl.Series, pl.Series]:
    """(micro-units as Int64, reason or null) for a `value` column; missing means 1."""
    n = col.len()
    if col.dtype.is_integer():
        # non-strict: a UInt64 above the Int64 range becomes null, and is out of range anyway
        whole = col.cast(pl.Int64, strict=False)
        limit = MAX_MICRO // MICRO
        bad = (col.is_not_null() & whole.is_null()) | (whole > limit) | (whole < -limit)
        micro = whole * MICRO
        reason = pl.when(bad).then(pl.lit("value: out of range (|value| < 10^12)"))
        frame = pl.DataFrame({"m": micro.fill_null(MICRO), "b": bad})
        return frame.get_column("m"), frame.select(reason.otherwise(None)).to_series()
    if col.dtype.is_float():
        return _float_micro(col)
    elif col.dtype == pl.String:
        text = col
    else:
        text = col.cast(pl.String, strict=False)
    frame = pl.DataFrame({"t": text})
    fast = frame.select(
        pl.when(pl.col("t").str.contains(_SIMPLE_DECIMAL))
        .then(
            (
                pl.col("t").str.extract(r"^-?([0-9]+)").cast(pl.Int64) * MICRO
                + pl.col("t")
                .str.extract(r"\.([0-9]+)$")
                .str.pad_end(6, "0")
                .cast(pl.Int64)
                .fill_null(0)
            )
            * pl.when(pl.col("t").str.starts_with("-")).then(-1).otherwise(1)
        )
        .alias("m")
    ).get_column("m")
    slow_mask = fast.is_null() & text.is_not_null()
    if slow_mask.any():
        idx = slow_mask.arg_true()
        slow = pl.Series([_exact_micro(t) for t in text.gather(idx).to_list()], dtype=pl.Int64)
        fast = fast.scatter(idx, slow)
    micro = (
        pl.DataFrame({"m": fast, "t": text})
        .select(pl.when(pl.col("t").is_null()).then(MICRO).otherwise(pl.col("m")).alias("m"))
        .get_column("m")
    )
    reason = (
        pl.DataFrame({"m": micro, "t": text})
        .select(
            pl.when(pl.col("m").is_null())
            .then(
                pl.when(
                    pl.col("t")
                    .str.to_lowercase()
                    .str.strip_chars()
                    .str.contains(r"^[+-]?(nan|inf|infinity)$")
                )
                .then(pl.lit("value: not finite"))
                .otherwise(pl.lit("value: not a number within |value| < 10^12"))
            )
            .alias("r")
        )
        .get_column("r")
    )
    assert micro.len() == n
    return micro, reason


def _float_micro(col: pl.Series) -> tuple[pl.Series, pl.Series]:
    """Floats mean their shortest decimal form. Below 2^33 at most one 6-digit decimal rounds
    to a given float, so when round(x * 10^6) / 10^6 gives x back, that is the value; other
    floats (more digits, huge, NaN) take the exact text path."""
    x = col.cast(pl.Float64)
    r = (x * MICRO).round(0)
    exact = (x.abs() < 2.0**33) & ((r / MICRO) == x)
    micro = r.cast(pl.Int64, strict=False).set(~exact.fill_null(False), None)
    slow = ~exact.fill_null(False) & col.is_not_null()
    if slow.any():
        idx = slow.arg_true()
        texts = [repr(v) for v in x.gather(idx).to_list()]
        micro = micro.scatter(idx, pl.Series([_exact_micro(t) for t in texts], dtype=pl.Int64))
    micro = micro.set(col.is_null(), MICRO) if col.null_count() else micro
    reason = (
        pl.DataFrame({"m": micro, "x": x})
        .select(
            pl.when(pl.col("m").is_null())
            .then(
                pl.when(pl.col("x").is_nan() | pl.col("x").is_infinite())
                .then(pl.lit("value: not finite"))
                .otherwise(pl.lit("value: not a number within |value| < 10^12"))
            )
            .alias("r")
        )
        .get_column("r")
    )
    return micro, reason


def ts_millis(col: pl.Series) -> tuple[pl.Series, pl.Series]:
    """(UTC epoch milliseconds, reason or null) for a `ts` column."""
    if isinstance(col.dtype, pl.Datetime):
        if col.dtype.time_zone is None:
            reason = pl.Series(["ts: no UTC offset (ambiguous local time)"] * col.len())
            # a null is missing, not naive (and must not pass as a row without a reason)
            missing = reason.set(col.is_null(), "ts: missing")
            return pl.Series([None] * col.len(), dtype=pl.Int64), missing
        ms = col.dt.epoch("ms")
        return ms, _missing(col, "ts")
    if col.dtype.is_integer():
        # non-strict: a UInt64 above the Int64 range becomes null and gets its own reason
        ms = col.cast(pl.Int64, strict=False)
        reason = (
            pl.DataFrame({"c": col, "m": ms})
            .select(
                pl.when(pl.col("c").is_null())
                .then(pl.lit("ts: missing"))
                .when(pl.col("m").is_null())
                .then(pl.lit("ts: epoch milliseconds out of range"))
                .alias("r")
            )
            .get_column("r")
        )
        return ms, reason
    text = col.cast(pl.String).str.strip_chars()
    f = pl.DataFrame({"t": text})
    parts = f.select(
        pl.col("t").str.extract_groups(_ISO).alias("g"),
        pl.col("t").str.contains(_EPOCH_MS).alias("epoch"),
    ).unnest("g")
    parts.columns = ["date", "hh", "mi", "ss", "frac", "off", "epoch"]
    out = parts.with_columns(text=text).select(
        pl.col("date").str.to_date("%Y-%m-%d", strict=False).alias("d"),
        pl.col("hh").cast(pl.Int64).alias("hh"),
        pl.col("mi").cast(pl.Int64).alias("mi"),
        pl.col("ss").cast(pl.Int64).fill_null(0).alias("ss"),
        pl.col("frac").str.slice(0, 3).str.pad_end(3, "0").cast(pl.Int64).fill_null(0).alias("ms"),
        pl.col("off"),
        pl.col("date").is_not_null().alias("iso"),
        pl.col("epoch"),
        pl.col("text"),
    )
    off = pl.col("off")
    off_sign = pl.when(off.str.starts_with("-")).then(-1).otherwise(1)
    off_h = off.str.slice(1, 2).cast(pl.Int64, strict=False)
    off_m = off.str.slice(1).str.replace(":", "").str.slice(2, 2).cast(pl.Int64, strict=False)
    off_min = (
        pl.when(off.str.to_uppercase() == "Z")
        .then(0)
        .otherwise(off_sign * (off_h * 60 + off_m.fill_null(0)))
    )
    local_ms = (
        pl.col("d").cast(pl.Int64) * 86_400_000
        + pl.col("hh") * 3_600_000
        + pl.col("mi") * 60_000
        + pl.col("ss") * 1000
        + pl.col("ms")
    )
    valid_clock = (pl.col("hh") < 24) & (pl.col("mi") < 60) & (pl.col("ss") < 60)
    result = out.select(
        pl.when(pl.col("epoch"))
        .then(pl.col("text").cast(pl.Int64, strict=False))
        .when(
            pl.col("iso")
            & pl.col("d").is_not_null()
            & valid_clock
            & off.is_not_null()
            & (off_min.abs() <= 18 * 60)
        )
        .then(local_ms - off_min * 60_000)
        .alias("ms"),
        pl.when(pl.col("text").is_null())
        .then(pl.lit("ts: missing"))
        .when(pl.col("epoch"))
        .then(None)
        .when(pl.col("iso") & off.is_null())
        .then(pl.lit("ts: no UTC offset (ambiguous local time)"))
        .when(pl.col("iso") & (pl.col("d").is_null() | ~valid_clock))
        .then(pl.lit("ts: not a valid date and time"))
        .when(pl.col("iso") & (off_min.abs() > 18 * 60))
        .then(pl.lit("ts: UTC offset out of range"))
        .when(~pl.col("iso"))
        .then(pl.lit("ts: not ISO-8601 with offset or epoch milliseconds"))
        .alias("reason"),
    )
    return result.get_column("ms"), result.get_column("reason")


def _missing(col: pl.Series, name: str) -> pl.Series:
    return (
        pl.DataFrame({"c": col})
        .select(pl.when(pl.col("c").is_null()).then(pl.lit(f"{name}: missing")).alias("r"))
        .get_column("r")
    )


def micro_to_decimal(micro: pl.Series) -> pl.Series:
    """Int64 micro-units → Decimal(18, 6) with the same digits, by writing the 128-bit
    two's-complement storage directly (no float or division on the way)."""
    arr = micro.to_arrow()
    ints = np.asarray(micro.fill_null(0).to_numpy(), dtype=np.int64)
    words = np.empty((len(ints), 2), dtype=np.int64)
    words[:, 0] = ints
    words[:, 1] = ints >> 63
    validity = arr.buffers()[0] if arr.null_count else None
    dec = pa.Array.from_buffers(
        pa.decimal128(18, 6), len(ints), [validity, pa.py_buffer(words.tobytes())], arr.null_count
    )
    return pl.Series(micro.name, dec)
