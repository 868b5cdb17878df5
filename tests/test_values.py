"""Exact value and timestamp parsing, against Python's decimal and datetime."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import ROUND_HALF_EVEN, Decimal

import polars as pl
from hypothesis import given
from hypothesis import strategies as st

from gamify_analytics.ingest.values import micro_to_decimal, ts_millis, value_micro


def _reference_micro(text: str) -> int | None:
    d = Decimal(text)
    if not d.is_finite():
        return None
    m = int(d.quantize(Decimal("0.000001"), rounding=ROUND_HALF_EVEN).scaleb(6))
    return m if abs(m) < 10**18 else None


decimals = st.decimals(
    min_value=Decimal("-999999999999"),
    max_value=Decimal("999999999999"),
    places=9,
    allow_nan=False,
    allow_infinity=False,
)


@given(st.lists(decimals, min_size=1, max_size=50))
def test_decimal_strings_round_half_even_like_python(values: list[Decimal]) -> None:
    texts = [str(v) for v in values] + [format(v, "f") for v in values]
    micro, reason = value_micro(pl.Series(texts))
    assert micro.to_list() == [_reference_micro(t) for t in texts]
    assert reason.null_count() == len(texts)


@given(st.lists(st.floats(min_value=-1e9, max_value=1e9, allow_nan=False), min_size=1))
def test_floats_use_their_shortest_decimal_form(values: list[float]) -> None:
    micro, _ = value_micro(pl.Series(values, dtype=pl.Float64))
    assert micro.to_list() == [_reference_micro(repr(v)) for v in values]


def test_micro_to_decimal_keeps_every_digit() -> None:
    got = micro_to_decimal(pl.Series([1, -1, 2_500_000, None, 10**18 - 1])).to_list()
    assert got == [
        Decimal("0.000001"),
        Decimal("-0.000001"),
        Decimal("2.5"),
        None,
        Decimal("999999999999.999999"),
    ]


offsets = st.integers(min_value=-14 * 60, max_value=14 * 60).map(
    lambda m: timezone(timedelta(minutes=m))
)


@given(
    st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2040, 1, 1)),
    offsets,
    st.booleans(),
)
def test_iso_timestamps_match_datetime(naive: datetime, tzinfo: timezone, colon: bool) -> None:
    aware = naive.replace(tzinfo=tzinfo)
    text = aware.isoformat(timespec="milliseconds")
    if not colon:
        text = text[:-3] + text[-2:]
    ms, reason = ts_millis(pl.Series([text]))
    want = (aware - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(milliseconds=1)
    assert reason.to_list() == [None]
    assert ms.to_list() == [want]


def test_timestamp_forms_and_reasons() -> None:
    ms, reason = ts_millis(
        pl.Series(
            [
                "2024-03-10T07:00:00Z",
                "2024-03-10T07:00:00",
                "1710054000000",
                "2024-03-10T07:00:00+25:00",
                "x",
                None,
            ]
        )
    )
    assert ms.to_list()[:3] == [1710054000000, None, 1710054000000]
    assert reason.to_list() == [
        None,
        "ts: no UTC offset (ambiguous local time)",
        None,
        "ts: UTC offset out of range",
        "ts: not ISO-8601 with offset or epoch milliseconds",
        "ts: missing",
    ]
