"""The one time-zone database: the pinned `tzdata` package, on every engine.

Python's `zoneinfo` prefers the system's zone files; we always load the pinned package's files
instead, so the engines, the ingest path and the test reference agree bit for bit.
"""

from __future__ import annotations

import importlib.resources
import re
import struct
from datetime import UTC, date, datetime
from functools import cache
from zoneinfo import ZoneInfo

import numpy as np
import polars as pl
import tzdata

TZDATA_VERSION: str = tzdata.IANA_VERSION
#: Offsets are tabulated over this window (events are accepted from 2000-01-01 to now + 1 day).
RANGE_START = int(datetime(1999, 1, 1, tzinfo=UTC).timestamp())
RANGE_END = int(datetime(2045, 1, 1, tzinfo=UTC).timestamp())
_WEEK = 7 * 86_400


@cache
def zone_names() -> frozenset[str]:
    """Every IANA name the pinned tzdata knows (links included)."""
    return frozenset((importlib.resources.files("tzdata") / "zones").read_text().split())


@cache
def zone(name: str) -> ZoneInfo:
    """A `ZoneInfo` read from the pinned tzdata, never from the system's files."""
    if name not in zone_names():
        raise KeyError(f"unknown time zone {name!r}")
    with _zone_file(name).open("rb") as f:
        return ZoneInfo.from_file(f, key=name)


def _zone_file(name: str):
    return importlib.resources.files("tzdata.zoneinfo").joinpath(*name.split("/"))


def _explicit_transitions(name: str) -> tuple[list[int], list[int]]:
    """Transition instants (UTC seconds) and the UTC offset after each, from the TZif v2 body."""
    data = _zone_file(name).read_bytes()
    counts = struct.unpack(">6l", data[20:44])
    isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt = counts
    skip = 44 + timecnt * 5 + typecnt * 6 + charcnt + leapcnt * 8 + isstdcnt + isutcnt
    counts = struct.unpack(">6l", data[skip + 20 : skip + 44])
    isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt = counts
    pos = skip + 44
    times = list(struct.unpack(f">{timecnt}q", data[pos : pos + 8 * timecnt]))
    pos += 8 * timecnt
    idx = data[pos : pos + timecnt]
    pos += timecnt
    utoffs = [struct.unpack(">l", data[pos + 6 * i : pos + 6 * i + 4])[0] for i in range(typecnt)]
    return times, [utoffs[i] for i in idx]


#: A TZif footer (POSIX TZ string) with a standard time only: no transitions after the table.
#: Two zones in three; not sampling them builds the whole table in 1.3 s, not 2.8 s.
_FIXED_RULE = re.compile(r"^(<[^>]+>|[A-Za-z]+)[-+]?\d+(:\d+){0,2}$")


def _footer(name: str) -> str:
    """The TZif v2+ footer: the POSIX TZ string that rules after the last transition."""
    data = _zone_file(name).read_bytes().rstrip(b"\n")
    return data[data.rindex(b"\n") + 1 :].decode()


def _offset_at(z: ZoneInfo, t: int) -> int:
    return int(datetime.fromtimestamp(t, UTC).astimezone(z).utcoffset().total_seconds())


def _rule_transitions(z: ZoneInfo, start: int, end: int) -> tuple[list[int], list[int]]:
    """Transitions after the explicit table (the TZif footer rule), found by weekly sampling and
    bisection to the second; footer rules change at most twice a year, months apart."""
    times: list[int] = []
    offs: list[int] = []
    t, off = start, _offset_at(z, start)
    while t < end:
        nxt = min(t + _WEEK, end)
        off2 = _offset_at(z, nxt)
        if off2 != off:
            lo, hi = t, nxt  # offset(lo) == off, offset(hi) != off
            while hi - lo > 1:
                mid = (lo + hi) // 2
                if _offset_at(z, mid) == off:
                    lo = mid
                else:
                    hi = mid
            times.append(hi)
            offs.append(off2)
            off = off2
        t = nxt
    return times, offs


@cache
def transitions(name: str) -> tuple[tuple[int, int], ...]:
    """(from_utc_seconds, offset_seconds) rows covering RANGE_START..RANGE_END; the first row
    starts at RANGE_START, each row's offset holds until the next row's instant."""
    z = zone(name)
    times, offs = _explicit_transitions(name)
    rows = [(RANGE_START, _offset_at(z, RANGE_START))]
    rows += [(t, o) for t, o in zip(times, offs, strict=True) if RANGE_START < t < RANGE_END]
    if not _FIXED_RULE.match(_footer(name)):
        last = max(times[-1] if times else RANGE_START, RANGE_START)
        rows += list(zip(*_rule_transitions(z, last, RANGE_END), strict=True))
    merged: list[tuple[int, int]] = []
    for t, o in rows:  # drop no-op rows (isdst-only or abbreviation-only changes)
        if not merged or merged[-1][1] != o:
            merged.append((t, o))
    return tuple(merged)


def offsets_frame(names: list[str] | None = None) -> pl.DataFrame:
    """The tz offset table stored in every engine: tz, from_utc (ms), offset_s."""
    names = sorted(names if names is not None else zone_names())
    tz, frm, off = [], [], []
    for n in names:
        for t, o in transitions(n):
            tz.append(n)
            frm.append(t * 1000)
            off.append(o)
    return pl.DataFrame(
        {"tz": tz, "from_ms": frm, "offset_s": off},
        schema={"tz": pl.String, "from_ms": pl.Int64, "offset_s": pl.Int32},
    )


def local_dates(frame: pl.DataFrame, ts_ms: str = "ts_ms", tz: str = "tz") -> pl.Series:
    """Local calendar date of each (UTC ms instant, zone) row, exact to the millisecond: per
    zone, a binary search of its transitions (no sort of the rows, few zones per batch)."""
    t = frame.get_column(ts_ms).cast(pl.Int64).to_numpy()
    offset_ms = np.zeros(len(t), dtype=np.int64)
    by_zone = frame.select(pl.col(tz).alias("z")).with_row_index("i")
    for name, rows in by_zone.group_by("z").agg("i").iter_rows():
        rows = np.asarray(rows, dtype=np.int64)
        starts, offsets = _offset_arrays(name)
        at = np.searchsorted(starts, t[rows], side="right") - 1
        offset_ms[rows] = offsets[np.maximum(at, 0)]
    days = (t + offset_ms) // 86_400_000
    return pl.Series("local_date", days).cast(pl.Int32).cast(pl.Date)


@cache
def _offset_arrays(name: str) -> tuple[np.ndarray, np.ndarray]:
    """A zone's transitions as (from_ms, offset_ms) arrays for `np.searchsorted`."""
    rows = transitions(name)
    starts = np.array([t * 1000 for t, _ in rows], dtype=np.int64)
    return starts, np.array([o * 1000 for _, o in rows], dtype=np.int64)


DAYS_FROM = datetime(1999, 12, 1, tzinfo=UTC).date()
DAYS_TO = datetime(2044, 12, 1, tzinfo=UTC).date()


@cache
def day_starts(name: str) -> pl.DataFrame:
    """Per local date of the zone: the first instant whose local date is ≥ that date (ms), the
    ordinal of the date among the dates that exist in the zone (a skipped date has the same
    start as the next one and shares its predecessor's ordinal), and whether it exists."""
    starts, o = _offset_arrays(name)
    u = np.append(starts, np.int64(2**62))
    first = (DAYS_FROM - date(1970, 1, 1)).days
    days = np.arange(first, (DAYS_TO - date(1970, 1, 1)).days + 2, dtype=np.int64)
    local_midnight = days * 86_400_000
    cand = np.maximum(u[None, :-1], local_midnight[:, None] - o[None, :])
    cand = np.where(cand < u[None, 1:], cand, np.iinfo(np.int64).max)
    start = cand.min(axis=1)
    exists = start[:-1] < start[1:]
    return pl.DataFrame(
        {
            "tz": pl.Series([name] * (len(days) - 1), dtype=pl.String),
            "day": pl.Series(days[:-1].astype(np.int32)).cast(pl.Date),
            "start_ms": start[:-1],
            "ordinal": np.cumsum(exists).astype(np.int32),
            "exists": exists,
        }
    )
