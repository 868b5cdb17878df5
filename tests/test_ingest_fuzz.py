"""Malformed event files never crash ingest, lose a good row or drop a bad one silently.

Each example writes up to three event files (CSV, NDJSON, Parquet, in random order) mixing good
rows with bad ones: wrong types, 1 MB fields, control characters, invalid UTF-8 and lone
surrogate escapes, NaN/inf and out-of-range values, naive, far-future, pre-2000 and invalid
timestamps, unknown zones and metrics, missing cells and missing required columns, ragged CSV
rows, broken JSON, nested values, binary, nested and typed Parquet columns. Some files are
empty (0 bytes, a header only, no rows); one may be unreadable as a whole (not Parquet, cut
short, duplicate columns, unknown suffix, absent), and its ingest must raise `InputError`
naming it. A users file (itself with bad rows) may come along; batches may be tiny. One ingest
of the readable files must then:

- store every good row's event exactly once, with its value, instant, zone and attributes (the
  first of repeated keys wins, later ones count as duplicates);
- keep every bad row in `rejects` with its file, line (CSV, NDJSON) or row (Parquet) number,
  the field at fault (the first problem in validation order) and its raw text;
- account for every row: accepted + duplicates + rejected = rows written;
- store the good users rows, whose zones apply to events without one, and reject the bad.

An embedded ClickHouse store is slow to set up, so each engine runs its examples in one store:
example n uses event ids `x{n}e…` and user ids `p{n}u…` and compares only its own rows.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path
from typing import Any

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import strategies as st

from gamify_analytics import config, tz
from gamify_analytics.api import Gamify
from gamify_analytics.engines import Engine
from gamify_analytics.engines.base import normalize
from gamify_analytics.ingest import load, validate
from gamify_analytics.ingest.readers import EVENT_FIELDS, InputError, read_batches
from tests.helpers.hypothesis import run_examples

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
NOW_MS = 1_735_689_600_000  # 2025-01-01T00:00:00Z
MIN_MS = validate.MIN_TS_MS
MAX_MS = NOW_MS + validate.DAY_MS
METRICS = ("a", "b")
ZONES = ("UTC", "Asia/Kolkata", "America/New_York", "Pacific/Chatham", "Europe/London")
#: Examples per engine: each ingests 1–3 event files, maybe a users file and empty files,
#: and may try one unreadable file (~0.4 s each on the embedded ClickHouse, ~0.2 s on DuckDB).
EXAMPLES = {"clickhouse": 60, "duckdb": 100}
HUGE = 1_000_000
REQUIRED = ("user_id", "metric", "ts")
#: Validation order of what a reason can name (validate.events): the first problem wins.
ORDER = {"row": 0, "user_id": 1, "metric": 2, "event_id": 3, "value": 4, "ts": 5, "tz": 6}
TERMINATOR = re.compile(r"\r\n|\r|\n")  # what ends a line for the CSV reader (newline="")
INVALID_UTF8 = (b"\xff", b"\xc3", b"\xed\xa0\x80", b"\xe2\x82", b"\x80", b"\xf8\x88\x80\x80\x80")
CONTROL = [chr(c) for c in [*range(0x20), *range(0x7F, 0xA0)]]


def cfg() -> config.Config:
    return config.parse({"metrics": [{"key": m} for m in METRICS]})


def micro_of(d: Decimal) -> int:
    return int(d.quantize(Decimal("0.000001"), rounding=ROUND_HALF_EVEN).scaleb(6))


def utc(ms: int) -> datetime:
    return EPOCH + timedelta(milliseconds=ms)


def iso(ms: int, offset_min: int = 0, style: int = 0) -> str:
    """`ms` as ISO-8601 in a fixed offset, in one of a few spellings the contract allows."""
    local = utc(ms) + timedelta(minutes=offset_min)
    frac = f"{ms % 1000:03d}"
    sign, a = ("-" if offset_min < 0 else "+"), abs(offset_min)
    off = [
        f"{sign}{a // 60:02d}:{a % 60:02d}",
        f"{sign}{a // 60:02d}{a % 60:02d}",
        f"{sign}{a // 60:02d}" + (f":{a % 60:02d}" if a % 60 else ""),
    ][style % 3]
    if offset_min == 0 and style % 2 == 0:
        off = "Z" if style % 4 == 0 else "z"
    sep = " " if style % 5 == 4 else "T"
    extra = "123456"[: style % 7]  # more fractional digits are cut, not rounded
    return f"{local:%Y-%m-%d}{sep}{local:%H:%M:%S}.{frac}{extra}{off}"


@dataclass(frozen=True)
class Bad:
    """Why a row must be rejected: the field its reason names; `early` when the reader
    already finds it (the row's `_error`), which comes before every validation check."""

    field: str
    early: bool = False


def _short(v: Any) -> Any:
    """Failure reports show 1 MB fields by their start and length."""
    if isinstance(v, str | bytes) and len(v) > 80:
        return f"{v[:40]!r}…({len(v)})"
    if isinstance(v, dict):
        return {k: _short(x) for k, x in v.items()}
    return v


@dataclass
class Row:
    cells: dict[str, Any]  # field → cell as written (a missing key or None: no value)
    attrs: dict[str, Any] = field(default_factory=dict)
    bad: Bad | None = None
    want: dict | None = None  # the stored event, for a good row
    raw_line: bytes | None = None  # NDJSON: the line as written, when not from `cells`

    def __repr__(self) -> str:
        raw = _short(self.raw_line)
        return f"Row({_short(self.cells)}, {_short(self.attrs)}, {self.bad}, raw={raw})"


@dataclass
class File:
    path: Path
    rows: list[Row]
    lines: list[int]  # line or row number of each row
    missing: str | None = None  # a required column left out of the whole file
    naive: bool = False  # Parquet: a timestamp column without zone


@dataclass
class Example:
    n: int | str  # ids carry it: examples do not see each other's rows
    files: list[File]
    users: File | None  # ingested first: its zones apply to events without one
    empties: list[Path]
    unreadable: Path | None
    batch_rows: int | None  # None: the API's default batches


# --- cells ------------------------------------------------------------------------------------


GOOD_VALUE_TEXT = st.one_of(
    st.sampled_from(
        [
            "1",
            "-0.5",
            "0.000001",
            "999999999999.999999",
            "-999999999999.999999",
            "0.0000005",
            "0.0000015",
            "1e3",
            "1E-6",
            "+7",
            " 2 ",
            ".5",
            "5.",
            "-0",
            "0E-9",
            "1.0000005",
        ]
    ),
    st.integers(0, 9).flatmap(
        lambda s: st.integers(-(10 ** (11 + s)), 10 ** (11 + s)).map(
            lambda q: str(Decimal(q).scaleb(-s))
        )
    ),
)
GOOD_FLOAT = st.one_of(
    st.floats(-1e9, 1e9, allow_nan=False, allow_infinity=False),
    st.sampled_from([0.1, 1e-7, 5e-7, 123456.7890125, 999999999999.9999, -0.0, 2.0**33 + 0.5]),
)


@st.composite
def good_value(draw: st.DrawFn, kind: str) -> tuple[Any, Decimal]:
    """(cell, stored value) for a column of `kind`; no value means 1."""
    if draw(st.integers(0, 7)) == 0:
        return None, Decimal(1)
    if kind == "float64" or (kind == "json" and draw(st.booleans())):
        f = draw(GOOD_FLOAT)  # a float means its shortest decimal form
        return f, Decimal(micro_of(Decimal(repr(f)))).scaleb(-6)
    if kind in ("int64", "uint64") or (kind == "json" and draw(st.booleans())):
        lo = 0 if kind == "uint64" else -(10**12) + 1
        i = draw(st.one_of(st.integers(lo, 10**12 - 1), st.integers(max(lo, -3), 3)))
        return i, Decimal(i)
    if kind == "decimal":
        m = draw(st.integers(-(10**18) + 1, 10**18 - 1))
        return Decimal(m).scaleb(-6), Decimal(m).scaleb(-6)
    text = draw(GOOD_VALUE_TEXT)
    return text, Decimal(micro_of(Decimal(text.strip()))).scaleb(-6)


BAD_VALUE_TEXT = [
    "abc",
    "NaN",
    "nan",
    "-inf",
    "Infinity",
    "1e12",
    "-1000000000000",
    "1e400",
    "1e999999999",
    "true",
    "1..2",
    "0x1A",
    "--1",
    "1,5",
    "sNaN",
    "\u221e",
    "1 2",
    "1_000",
    "\u0661\u0662",
    "999999999999.9999995",
    "12abc",
]
BAD_VALUE = {
    "float64": [float("nan"), float("inf"), float("-inf"), 1e12, -1e15, 1e300],
    "int64": [10**12, -(10**12), 2**63 - 1, -(2**63)],
    "uint64": [10**12, 2**64 - 1],
    "decimal": [Decimal(10**12), Decimal(-(10**17))],
    "json": [float("nan"), float("inf"), float("-inf"), 1e300, True, False, 10**13, -(10**15)],
}


@st.composite
def bad_value(draw: st.DrawFn, kind: str) -> tuple[Any, Bad]:
    if kind == "json" and draw(st.integers(0, 4)) == 0:
        return draw(st.sampled_from([[1], {"x": 1}, [], {}])), Bad("value", early=True)
    if kind in BAD_VALUE and (kind != "json" or draw(st.booleans())):
        return draw(st.sampled_from(BAD_VALUE[kind])), Bad("value")
    if draw(st.integers(0, 15)) == 0:
        return "1" + "0" * HUGE, Bad("value")
    return draw(st.sampled_from(BAD_VALUE_TEXT)), Bad("value")


GOOD_MS = st.one_of(
    st.sampled_from([MIN_MS, MAX_MS, NOW_MS, MIN_MS + 1]), st.integers(MIN_MS, MAX_MS)
)


@st.composite
def good_ts(draw: st.DrawFn, kind: str) -> tuple[Any, int]:
    ms = draw(GOOD_MS)
    if kind == "int64":
        return ms, ms
    if kind in ("timestamp_utc", "timestamp_zone"):
        return utc(ms), ms
    if kind == "timestamp_naive":
        return utc(ms).replace(tzinfo=None), ms
    if draw(st.integers(0, 4)) == 0:
        return (ms if kind == "json" and draw(st.booleans()) else str(ms)), ms
    offset = draw(st.one_of(st.just(0), st.integers(-18 * 60, 18 * 60)))
    return iso(ms, offset, draw(st.integers(0, 40))), ms


BAD_TS_TEXT = [
    "2024-05-01T10:00:00",
    "2024-05-01 10:00:00.123",
    "2024-05-01T10:00",
    "20240501T100000Z",
    "2999-01-01T00:00:00Z",
    iso(MAX_MS + 1),
    iso(MIN_MS - 1),
    str(MAX_MS + 1),
    str(MIN_MS - 1),
    "1970-01-01T00:00:00Z",
    "0000-01-01T00:00:00Z",
    "9999-12-31T23:59:59.999+14:00",
    "2024-02-30T00:00:00Z",
    "2023-02-29T12:00:00Z",
    "2024-01-01T24:00:00Z",
    "2024-01-01T12:60:00Z",
    "2024-01-01T00:00:00+19:00",
    "yesterday",
    "2024-01-01",
    "1.7e12",
    "9" * 16,
    "12:00:00Z",
    "2024-1-1T00:00:00Z",
    "\u0661" * 13,
    "-1",
    "2024-01-01T00:00:00Z junk",
    "\u0662\u0660\u0662\u0664-01-01T00:00:00Z",
]
BAD_TS = {
    "int64": [MAX_MS + 1, MIN_MS - 1, -1, 2**62, -(2**62)],
    "timestamp_utc": [utc(MIN_MS - 1), utc(MAX_MS + 1), datetime(2999, 1, 1, tzinfo=UTC)],
    "timestamp_zone": [utc(MIN_MS - 1), utc(MAX_MS + 1), datetime(1970, 1, 1, tzinfo=UTC)],
    "timestamp_naive": [datetime(2024, 5, 1), datetime(2999, 1, 1)],
    "json": [1.7e12, True, MAX_MS + 1, MIN_MS - 1, 10**20],
}


@st.composite
def bad_ts(draw: st.DrawFn, kind: str) -> tuple[Any, Bad]:
    if draw(st.integers(0, 5)) == 0:
        return None, Bad("ts")  # missing
    if kind == "json" and draw(st.integers(0, 5)) == 0:
        return [draw(GOOD_MS)], Bad("ts", early=True)
    if kind in BAD_TS and (kind != "json" or draw(st.booleans())):
        return draw(st.sampled_from(BAD_TS[kind])), Bad("ts")
    return draw(st.sampled_from(BAD_TS_TEXT)), Bad("ts")


USER_SUFFIX = st.sampled_from(["", "", "", "\u00e9", "\u65e5\u672c", "\U0001f642", " a,b", '"q"'])
UNKNOWN_ZONE = st.one_of(
    st.sampled_from(["Mars/Olympus", "Europe/Atlantis", "UTC+1", "Etc/GMT+15", "utc", " UTC"]),
    st.text(min_size=1, max_size=20),
).filter(lambda z: z not in tz.zone_names())


def position(draw: st.DrawFn, lo: int, hi: int) -> int:
    """A place in lo..hi, drawn from a range that does not depend on them: a text's length
    depends on the example's number, and the same draws must replay the same way."""
    return lo + draw(st.integers(0, 1000)) * (hi - lo) // 1000


def invalid(draw: st.DrawFn, text: str) -> str:
    """`text` with invalid UTF-8 bytes in it (surrogate-escaped until written)."""
    at = position(draw, 0, len(text))
    blob = draw(st.sampled_from(INVALID_UTF8)).decode("utf-8", "surrogateescape")
    return text[:at] + blob + text[at:]


# --- rows -------------------------------------------------------------------------------------

#: What can be wrong with a row, per format (reader-level defects twice: more to find there).
DEFECTS = {
    "csv": ["user", "metric", "event_id", "value", "ts", "tz", "utf8", "utf8", "ragged"],
    "ndjson": ["user", "metric", "event_id", "value", "ts", "tz", "utf8", "json", "json"],
    "parquet": ["user", "metric", "event_id", "value", "ts", "tz", "typed", "typed"],
}


@st.composite
def row(
    draw: st.DrawFn,
    fmt: str,
    types: dict[str, str],
    missing: str | None,
    n: int,
    i: int,
    keys: list[tuple],
) -> Row:
    """A good row, or a good row with one defect (a row of a file without a required column
    is bad anyway). `keys` are the example's good keys so far: a good row may repeat one."""
    user = f"p{n}u{draw(st.integers(0, 3))}{draw(USER_SUFFIX)}"
    if draw(st.integers(0, 20)) == 0:
        user = (user + "x" * 256)[:256]  # the longest allowed
    eid = f"x{n}e{i}"
    if draw(st.integers(0, 20)) == 0:
        eid = (eid + "y" * 128)[:128]
    metric = draw(st.sampled_from(METRICS))
    dup = bool(keys) and draw(st.integers(0, 6)) == 0
    if dup:
        user, metric, eid = draw(st.sampled_from(keys))
    hashed = not dup and draw(st.integers(0, 12)) == 0
    if hashed:  # no event_id: a deterministic hash; one such row per user
        user, eid = f"p{n}h{i}", None
    vkind = types.get("value", "json" if fmt == "ndjson" else "text")
    tkind = types.get("ts", "json" if fmt == "ndjson" else "text")
    value, want_value = draw(good_value(vkind))
    ts, ms = draw(good_ts(tkind))
    zone = draw(st.one_of(st.none(), st.sampled_from(ZONES)))
    attrs: dict[str, Any] = {}
    if draw(st.booleans()):
        attrs["device"] = draw(st.sampled_from(["ios", "web", "caf\u00e9", "a,b", "x\ny"]))
    if draw(st.integers(0, 15)) == 0:
        attrs["note"] = "n" * HUGE  # a huge field in a good row
    cells: dict[str, Any] = {
        "event_id": eid,
        "user_id": user,
        "metric": metric,
        "value": value,
        "ts": ts,
        "tz": zone,
    }
    r = Row(cells, attrs)
    if draw(st.integers(0, 2)):
        r.want = {
            "user_id": user,
            "metric": metric,
            "event_id": eid,
            "value": want_value,
            "ts_ms": ms,
            "tz": zone or "UTC",
            "attributes": {k: str(v) for k, v in attrs.items()},
        }
        return r
    defect = draw(st.sampled_from(DEFECTS[fmt]))
    c = r.cells
    if defect == "user":
        how = draw(st.sampled_from(["missing", "long", "huge", "control"]))
        if how == "missing":
            c["user_id"] = draw(st.sampled_from([None, ""])) if fmt != "parquet" else None
        elif how in ("long", "huge"):
            c["user_id"] = f"p{n}u" + "z" * (257 if how == "long" else HUGE)
        else:
            at = position(draw, 0, len(user))
            c["user_id"] = user[:at] + draw(st.sampled_from(CONTROL)) + user[at:]
        r.bad = Bad("user_id")
    elif defect == "metric":
        c["metric"] = draw(
            st.one_of(
                st.none(),
                st.sampled_from(["c", "A", "a ", " b", "lessons", "\u00e4"]),
                st.text(min_size=1, max_size=8),
            ).filter(lambda m: m not in METRICS)
        )
        r.bad = Bad("metric")
    elif defect == "event_id":
        c["event_id"] = f"x{n}e{i}" + "w" * draw(st.sampled_from([129, 500, HUGE]))
        r.bad = Bad("event_id")
    elif defect == "value":
        c["value"], r.bad = draw(bad_value(vkind))
    elif defect == "ts":
        c["ts"], r.bad = draw(bad_ts(tkind))
    elif defect == "tz":
        c["tz"] = draw(UNKNOWN_ZONE)
        r.bad = Bad("tz")
    elif defect == "utf8":
        name = draw(st.sampled_from([f for f in ("user_id", "metric", "tz") if f != missing]))
        c[name] = invalid(draw, str(c[name] or ""))
        r.bad = Bad("row", early=True)
    elif defect == "ragged":
        r.cells = dict(c, _ragged=draw(st.sampled_from([-1, 1, 3])))
        r.bad = Bad("row", early=True)
    elif defect == "json":
        r.bad = draw(json_defect(r))
    else:
        r.bad = draw(typed_defect(r, types))
    return r


@st.composite
def json_defect(draw: st.DrawFn, r: Row) -> Bad:
    """A row the NDJSON reader itself refuses."""
    how = draw(st.sampled_from(["truncated", "not_object", "surrogate", "nested", "attrs", "int"]))
    if how == "truncated":
        line = json.dumps(r.cells)
        r.raw_line = line[: position(draw, 1, len(line) - 1)].encode()
    elif how == "not_object":
        r.raw_line = draw(st.sampled_from([b"[1]", b'"x"', b"42", b"null", b"true"]))
    elif how == "surrogate":  # "\ud800" escapes: valid JSON, no valid text
        name = draw(st.sampled_from(["user_id", "metric", "event_id", "tz"]))
        r.cells[name] = str(r.cells[name] or "") + draw(st.sampled_from(["\ud800", "\udfff"]))
    elif how == "nested":
        name = draw(st.sampled_from(["user_id", "metric", "event_id", "tz"]))
        r.cells[name] = draw(st.sampled_from([[1], {"k": "v"}, ["a", "b"]]))
        return Bad(name, early=True)
    elif how == "attrs":
        r.raw_line = json.dumps(
            dict(r.cells, attributes=draw(st.sampled_from([[1], "x", {"k": [1]}, {"k": {}}])))
        ).encode()
        return Bad("attributes", early=True)
    else:  # an integer too long for Python to read
        r.raw_line = (
            json.dumps(dict(r.cells, value=0))
            .replace('"value": 0', '"value": ' + "9" * 5000)
            .encode()
        )
    return Bad("row", early=True)


@st.composite
def typed_defect(draw: st.DrawFn, r: Row, types: dict[str, str]) -> Bad:
    """A Parquet cell the reader refuses: invalid UTF-8 in a binary column, a nested value."""
    if types.get("user_id") == "binary" and draw(st.booleans()):
        r.cells["user_id"] = invalid(draw, r.cells["user_id"])
        return Bad("user_id", early=True)
    if types.get("attr.extra") == "list":
        r.attrs["extra"] = draw(st.sampled_from([[1], [], [1, 2, 3]]))
        return Bad("attributes", early=True)
    r.cells["tz"] = draw(UNKNOWN_ZONE)
    return Bad("tz")


# --- files ------------------------------------------------------------------------------------


def write_csv(path: Path, rows: list[Row], header: list[str], bom: bool) -> list[int]:
    """Write rows under `header`; return each row's first line number."""
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(header)
    lines = []
    for r in rows:
        lines.append(1 + len(TERMINATOR.findall(out.getvalue())))
        cells = {**r.cells, **{f"attr.{k}": v for k, v in r.attrs.items()}}
        record = ["" if cells.get(h) is None else str(cells[h]) for h in header]
        ragged = r.cells.get("_ragged", 0)
        record = record[:ragged] if ragged < 0 else record + ["extra"] * ragged
        w.writerow(record)
    text = ("\ufeff" if bom else "") + out.getvalue()
    path.write_bytes(text.encode("utf-8", "surrogateescape"))
    return lines


def write_ndjson(
    path: Path, rows: list[Row], blanks: list[bool], ascii_: bool, bom: bool
) -> list[int]:
    out, lines = bytearray(b"\xef\xbb\xbf" if bom else b""), []
    for r, blank in zip(rows, blanks, strict=True):
        if blank:
            out += b"\n" if len(out) % 2 else b"  \r\n"
        lines.append(out.count(b"\n") + 1)
        if r.raw_line is None:
            obj = {k: v for k, v in r.cells.items() if v is not None or len(lines) % 2}
            if r.attrs:
                obj["attributes"] = r.attrs
            line = json.dumps(obj, ensure_ascii=ascii_ or _has_surrogate_escape(obj))
            out += line.encode("utf-8", "surrogateescape")
        else:
            out += r.raw_line
        out += b"\n" if len(lines) % 3 else b"\r\n"
    path.write_bytes(bytes(out))
    return lines


def _has_surrogate_escape(obj: dict) -> bool:
    """Lone surrogates outside \\udc80-\\udcff cannot be written as bytes: escape them."""
    return any(
        isinstance(v, str) and re.search("[\ud800-\udc7f\udd00-\udfff]", v) for v in obj.values()
    )


PQ_TYPES = {
    "user_id": {"string": pa.string(), "large_string": pa.large_string(), "binary": pa.binary()},
    "value": {
        "text": pa.string(),
        "float64": pa.float64(),
        "int64": pa.int64(),
        "uint64": pa.uint64(),
        "decimal": pa.decimal128(24, 6),
    },
    "ts": {
        "text": pa.string(),
        "int64": pa.int64(),
        "timestamp_utc": pa.timestamp("ms", tz="UTC"),
        "timestamp_zone": pa.timestamp("ms", tz="Asia/Kolkata"),
        "timestamp_naive": pa.timestamp("ms"),
    },
}


def write_parquet(path: Path, rows: list[Row], types: dict[str, str], columns: list[str]) -> None:
    arrays, names = [], []
    for c in columns:
        if c.startswith("attr."):
            vals = [r.attrs.get(c.removeprefix("attr.")) for r in rows]
            t = pa.list_(pa.int64()) if types.get(c) == "list" else pa.string()
        else:
            vals = [r.cells.get(c) for r in rows]
            t = PQ_TYPES.get(c, {}).get(types.get(c, ""), pa.string())
            if c == "user_id" and types.get(c) == "binary":
                vals = [None if v is None else v.encode("utf-8", "surrogateescape") for v in vals]
        if t == pa.string():
            vals = [None if v is None else str(v) for v in vals]
        arrays.append(pa.array(vals, t))
        names.append(c)
    pq.write_table(pa.Table.from_arrays(arrays, names=names), path)


@st.composite
def data_file(
    draw: st.DrawFn, fmt: str, folder: Path, n: int, ids: itertools.count, keys: list[tuple]
) -> File:
    """A file of `fmt` with 0–10 rows; the good keys it stores first are appended to `keys`."""
    types: dict[str, str] = {}
    if fmt == "parquet":
        types = {f: draw(st.sampled_from(sorted(t))) for f, t in PQ_TYPES.items()}
        if draw(st.booleans()):
            types["attr.extra"] = "list"
    # NDJSON has no columns: a missing key is one row's problem, drawn per row
    missing = None if fmt == "ndjson" else draw(st.sampled_from([None] * 8 + list(REQUIRED)))
    naive = types.get("ts") == "timestamp_naive"
    rows: list[Row] = []
    for _ in range(draw(st.integers(0, 10))):
        r = draw(row(fmt, types, missing, n, next(ids), keys))
        if r.want is not None and (missing or naive):
            r.want, r.bad = None, Bad(missing or "ts")
        elif r.bad is not None and not r.bad.early:
            late = [r.bad.field, missing or "ts" if missing or naive else r.bad.field]
            r.bad = Bad(min(late, key=ORDER.__getitem__))
        if r.want is not None and r.want["event_id"] is not None:
            key = (r.want["user_id"], r.want["metric"], r.want["event_id"])
            if key not in keys:
                keys.append(key)
        rows.append(r)
    path = folder / f"events_{fmt}.{draw(st.sampled_from(EXT[fmt]))}"
    columns = [*EVENT_FIELDS, "attr.device", "attr.note", *(c for c in types if "." in c)]
    if draw(st.booleans()):
        columns.append("junk")
    columns = [c for c in draw(st.permutations(columns)) if c != missing]
    if fmt == "csv":
        lines = write_csv(path, rows, columns, bom=draw(st.booleans()))
    elif fmt == "ndjson":
        blanks = draw(st.lists(st.booleans(), min_size=len(rows), max_size=len(rows)))
        lines = write_ndjson(
            path, rows, blanks, ascii_=draw(st.booleans()), bom=draw(st.booleans())
        )
    else:
        write_parquet(path, rows, types, columns)
        lines = list(range(1, len(rows) + 1))
    return File(path, rows, lines, missing, naive)


EXT = {"csv": ["csv", "CSV"], "ndjson": ["ndjson", "jsonl", "json"], "parquet": ["parquet", "pq"]}


def empty_files(folder: Path) -> st.SearchStrategy[list[Path]]:
    """Files with no rows: 0 bytes, a header only, blank lines only, a Parquet file of 0 rows."""

    def make(kinds: list[str]) -> list[Path]:
        paths = []
        for k in kinds:
            p = folder / f"empty_{k}"
            if k == "zero.csv" or k == "zero.ndjson":
                p.write_bytes(b"")
            elif k == "header.csv":
                p.write_bytes(b"\xef\xbb\xbfevent_id,user_id,metric,value,ts,tz\r\n")
            elif k == "blank.ndjson":
                p.write_bytes(b"\n \n\r\n")
            else:
                schema = pa.schema([(f, pa.string()) for f in EVENT_FIELDS])
                pq.write_table(schema.empty_table(), p)
            paths.append(p)
        return paths

    kinds = ["zero.csv", "zero.ndjson", "header.csv", "blank.ndjson", "rows0.parquet"]
    return st.lists(st.sampled_from(kinds), unique=True, max_size=2).map(make)


def unreadable_file(folder: Path) -> st.SearchStrategy[Path | None]:
    """A file ingest cannot read at all (or None)."""

    def make(kind: str | None) -> Path | None:
        if kind is None:
            return None
        p = folder / f"unreadable_{kind}"
        if kind == "zero.parquet":
            p.write_bytes(b"")
        elif kind == "garbage.parquet":
            p.write_bytes(b"PAR1 this is not parquet PAR1")
        elif kind == "cut.parquet":
            buf = io.BytesIO()
            pq.write_table(pa.table({"user_id": ["u"] * 50, "ts": ["x"] * 50}), buf)
            p.write_bytes(buf.getvalue()[: len(buf.getvalue()) // 2])
        elif kind == "dupcols.parquet":
            t = pa.Table.from_arrays([pa.array(["u"]), pa.array(["v"])], ["user_id", "user_id"])
            pq.write_table(t, p)
        elif kind == "events.txt":
            p.write_bytes(b"event_id,user_id\n")
        return p  # "absent.csv": never written

    kinds = ["zero.parquet", "garbage.parquet", "cut.parquet", "dupcols.parquet", "events.txt"]
    return st.one_of(st.none(), st.none(), st.sampled_from([*kinds, "absent.csv"])).map(make)


@st.composite
def example(draw: st.DrawFn, n: int, root: Path) -> Example:
    folder = root / f"ex{n}"
    folder.mkdir()
    formats = draw(st.lists(st.sampled_from(["csv", "ndjson", "parquet"]), unique=True, min_size=1))
    keys: list[tuple] = []
    ids = itertools.count()
    files = [draw(data_file(fmt, folder, n, ids, keys)) for fmt in formats]
    users = draw(st.none() | users_file(folder, n))
    zones = {r.want["user_id"]: r.want["tz"] for r in users.rows if r.want} if users else {}
    for f in files:
        for r in f.rows:
            if r.want is not None and r.cells.get("tz") is None:
                r.want["tz"] = zones.get(r.want["user_id"], "UTC")
    return Example(
        n,
        files,
        users,
        draw(empty_files(folder)),
        draw(unreadable_file(folder)),
        draw(st.sampled_from([None, None, 1, 2, 3, 7])),
    )


@st.composite
def users_file(draw: st.DrawFn, folder: Path, n: int) -> File:
    """A users file: good rows give some of the example's users a zone (ids unique), bad rows
    have one defect each (validation order: user_id, tz, created_at)."""
    fmt = draw(st.sampled_from(["csv", "ndjson", "parquet"]))
    rows = []
    for k in draw(st.lists(st.integers(0, 3), unique=True, max_size=4)):
        ms = draw(st.none() | GOOD_MS)
        created = None if ms is None else draw(st.sampled_from([iso(ms), str(ms)]))
        cells = {"user_id": f"p{n}u{k}", "tz": draw(st.sampled_from(ZONES)), "created_at": created}
        attrs = {"country": draw(st.sampled_from(["NZ", "DE", "caf\u00e9"]))}
        want = {"user_id": cells["user_id"], "tz": cells["tz"], "created_ms": ms, **attrs}
        rows.append(Row(cells, attrs, want=want))
    for j in range(draw(st.integers(0, 4))):
        cells = {"user_id": f"p{n}b{j}", "tz": None, "created_at": None}
        defect = draw(
            st.sampled_from(["user", "tz", "created_at", *(["utf8"] * (fmt != "parquet"))])
        )
        if defect == "user":
            how = draw(st.sampled_from([None, "z" * 257, "z" * HUGE, "\x00", "\x9f"]))
            cells["user_id"] = None if how is None else f"p{n}b{j}{how}"
            bad = Bad("user_id")
        elif defect == "tz":
            cells["tz"], bad = draw(UNKNOWN_ZONE), Bad("tz")
        elif defect == "created_at":
            cells["created_at"] = draw(st.sampled_from(BAD_TS_TEXT[:4] + BAD_TS_TEXT[14:20]))
            bad = Bad("created_at")
        else:
            cells["tz"], bad = invalid(draw, "UTC"), Bad("row", early=True)
        rows.append(Row(cells, bad=bad))
    rows = draw(st.permutations(rows))
    path = folder / f"users.{fmt}"
    columns = draw(st.permutations(["user_id", "tz", "created_at", "attr.country"]))
    if fmt == "csv":
        lines = write_csv(path, rows, columns, bom=draw(st.booleans()))
    elif fmt == "ndjson":
        lines = write_ndjson(path, rows, [False] * len(rows), ascii_=False, bom=False)
    else:
        write_parquet(path, rows, {}, columns)
        lines = list(range(1, len(rows) + 1))
    return File(path, rows, lines)


# --- checks -----------------------------------------------------------------------------------


def _sql(engine: Engine, sql: str) -> list[dict]:
    return normalize(engine.query_sql(sql, {})).to_dicts()


def check(g: Gamify, ex: Example, stats: Counter) -> None:
    engine = g.engine
    if ex.unreadable is not None:
        with pytest.raises(InputError) as err:
            g.ingest([ex.unreadable], now_ms=NOW_MS)
        assert str(ex.unreadable) in str(err.value)
        rejects = _sql(
            engine, f"SELECT line FROM {engine.database}.rejects WHERE source = '{ex.unreadable}'"
        )
        assert rejects == [], ex.unreadable
        stats["unreadable"] += 1
    paths = [f.path for f in ex.files] + ex.empties
    users = ex.users.path if ex.users else None
    if ex.batch_rows is None:
        summary = g.ingest(paths, users, now_ms=NOW_MS)
    else:  # tiny batches: line numbers and first-wins dedup carry across batches
        summary = load.ingest(
            engine, g.config, paths, users=users, now_ms=NOW_MS, batch_rows=ex.batch_rows
        )

    # Every good row's event is stored once: the first row with its key wins.
    want: dict[tuple, dict] = {}
    good_rows = 0
    for f in ex.files:
        for r in f.rows:
            if r.want is not None:
                good_rows += 1
                key = (r.want["user_id"], r.want["metric"], r.want["event_id"] or r.want["user_id"])
                want.setdefault(key, r.want)
    db = engine.database
    stored = _sql(
        engine,
        f"SELECT user_id, metric, event_id, value, ts, tz, attributes FROM {db}.events "
        f"WHERE event_id LIKE 'x{ex.n}e%' OR user_id LIKE 'p{ex.n}u%' OR user_id LIKE 'p{ex.n}h%'",
    )
    got: dict[tuple, dict] = {}
    for e in stored:
        eid = e["event_id"]
        if e["user_id"].startswith(f"p{ex.n}h"):
            assert eid.startswith("h:") and len(eid) == 34, e
            eid = e["user_id"]
        key = (e["user_id"], e["metric"], eid)
        assert key not in got, f"stored twice: {key}"
        got[key] = {
            "value": e["value"],
            "ts_ms": (e["ts"] - EPOCH) // timedelta(milliseconds=1),
            "tz": e["tz"],
            "attributes": dict(e["attributes"]),
        }
    assert set(got) == set(want), (set(want) - set(got), set(got) - set(want))
    for key, w in want.items():
        assert got[key] == {k: w[k] for k in ("value", "ts_ms", "tz", "attributes")}, key

    # Every bad row is kept with its file, line, field and a reason; nothing else is.
    bad_rows = sum(_check_rejects(engine, f, "event", stats) for f in ex.files)
    for p in ex.empties:
        rejects = _sql(engine, f"SELECT line FROM {db}.rejects WHERE source = '{p}'")
        assert rejects == [], p

    # Every row is accounted for.
    assert summary.accepted == len(want)
    assert summary.duplicates == good_rows - len(want)
    assert sum(summary.rejected.values()) == bad_rows
    assert summary.accepted + summary.duplicates + bad_rows == sum(len(f.rows) for f in ex.files)
    stats["accepted"] += summary.accepted
    stats["duplicates"] += summary.duplicates
    if ex.users is not None:
        _check_users(engine, ex.n, ex.users, summary, stats)


def _check_rejects(engine: Engine, f: File, kind: str, stats: Counter) -> int:
    """The rejects of file `f` are exactly its bad rows; returns how many."""
    want = sorted((line, r.bad.field) for r, line in zip(f.rows, f.lines, strict=True) if r.bad)
    rejects = _sql(
        engine,
        f"SELECT kind, source, line, field, reason, raw FROM {engine.latest('rejects')}"
        f" WHERE source = '{f.path}'",
    )
    assert sorted((r["line"], r["field"]) for r in rejects) == want, f.path
    for r in rejects:
        assert r["kind"] == kind and r["reason"].startswith(f"{r['field']}: "), r
        assert r["raw"], r
        stats[f"{kind}:{r['field']}"] += 1
    stats[f"missing:{f.missing}"] += bool(f.rows)
    return len(want)


def _check_users(
    engine: Engine, n: int, users: File, summary: load.IngestSummary, stats: Counter
) -> None:
    """Good users rows are stored with zone, creation time and attributes; bad ones rejected."""
    want = {r.want["user_id"]: r.want for r in users.rows if r.want}
    stored = _sql(
        engine,
        f"SELECT user_id, tz, created_at, attributes FROM {engine.latest('users')}"
        f" WHERE user_id LIKE 'p{n}%'",
    )
    got = {
        u["user_id"]: {
            "user_id": u["user_id"],
            "tz": u["tz"],
            "created_ms": None
            if u["created_at"] is None
            else (u["created_at"] - EPOCH) // timedelta(milliseconds=1),
            **u["attributes"],
        }
        for u in stored
    }
    assert got == want
    bad = _check_rejects(engine, users, "user", stats)
    assert summary.users_accepted == len(want)
    assert sum(summary.users_rejected.values()) == bad
    stats["users"] += len(want)


def covering_example(root: Path) -> Example:
    """One example, written by hand, with a good row, a duplicate and a reject of every field
    (events and users): the random examples add variety, this one guarantees coverage."""
    n = "c"
    folder = root / "covering"
    folder.mkdir()
    good = {"event_id": f"x{n}e0", "user_id": f"p{n}u0", "metric": "a", "value": "1.5"}
    good |= {"ts": iso(NOW_MS - 1000), "tz": "UTC"}
    want = {**good, "value": Decimal("1.5"), "ts_ms": NOW_MS - 1000, "attributes": {}}
    del want["ts"]

    def bad(field: str, early: bool = False, raw: bytes | None = None, **cells: Any) -> Row:
        return Row(
            {**good, "event_id": f"x{n}e{field}", **cells}, bad=Bad(field, early), raw_line=raw
        )

    more = [  # enough good rows for the coverage claim below on their own
        Row({**good, "event_id": f"x{n}e{i}"}, want={**want, "event_id": f"x{n}e{i}"})
        for i in range(1, 20)
    ]
    rows = [
        Row(dict(good), want=want),
        *more,
        Row({**good, "value": "2"}, want={**want, "value": Decimal(2)}),  # a duplicate
        bad("user_id", user_id=""),
        bad("metric", metric="zz"),
        bad("event_id", event_id=f"x{n}e" + "w" * 129),
        bad("value", value="abc"),
        bad("ts", ts="2024-05-01T10:00:00"),
        bad("tz", tz="Mars/Olympus"),
        bad("row", early=True, raw=b'{"user_id": "p'),
        bad("attributes", early=True, raw=json.dumps({**good, "attributes": [1]}).encode()),
    ]
    events = folder / "events.ndjson"
    lines = write_ndjson(events, rows, [False] * len(rows), ascii_=True, bom=False)
    user_rows = [
        Row(
            {"user_id": f"p{n}u1", "tz": "Asia/Kolkata", "created_at": None},
            want={"user_id": f"p{n}u1", "tz": "Asia/Kolkata", "created_ms": None},
        ),
        Row({"user_id": f"p{n}b0", "tz": "Mars/Olympus", "created_at": None}, bad=Bad("tz")),
        Row({"user_id": f"p{n}b1", "tz": "UTC", "created_at": "yesterday"}, bad=Bad("created_at")),
    ]
    users = folder / "users.csv"
    user_lines = write_csv(users, user_rows, ["user_id", "tz", "created_at"], bom=False)
    files = [File(events, rows, lines)]
    return Example(n, files, File(users, user_rows, user_lines), [], None, None)


@pytest.mark.slow
def test_malformed_files_never_crash_lose_or_hide_a_row(dsn: str, tmp_path: Path) -> None:
    stats: Counter = Counter()
    with Gamify(cfg(), dsn) as g:
        check(g, covering_example(tmp_path), stats)

    def one(g: Gamify, data: st.DataObject, n: int) -> None:
        check(g, data.draw(example(n, tmp_path), label="example"), stats)

    run_examples(dsn, cfg(), EXAMPLES, one)
    # Not vacuous: good rows, duplicates and every kind of reject were seen (the covering
    # example has them all).
    assert stats["accepted"] >= 20 and stats["duplicates"] >= 1, stats
    for name in ("row", "user_id", "metric", "event_id", "value", "ts", "tz", "attributes"):
        assert stats[f"event:{name}"] >= 1, (name, stats)
    assert stats["users"] >= 1 and stats["user:tz"] + stats["user:created_at"] >= 1, stats


# --- regressions: each case crashed ingest or misread a row before its fix --------------------


def _parquet(**cols: pa.Array) -> bytes:
    buf = io.BytesIO()
    pq.write_table(pa.table(cols), buf)
    return buf.getvalue()


def _row(**over: Any) -> dict:
    return {"event_id": "e1", "user_id": "u1", "metric": "a", "ts": "2024-01-01T00:00:00Z"} | over


def _ndjson(*rows: dict | bytes) -> bytes:
    return b"".join((r if isinstance(r, bytes) else json.dumps(r).encode()) + b"\n" for r in rows)


CSV_HEAD = b"event_id,user_id,metric,value,ts,tz\n"
TS = b"2024-01-01T00:00:00Z"
#: name → (file name, content, good rows, [(line, reason prefix)] of the rejects)
REGRESSIONS: dict[str, tuple[str, bytes, int, list[tuple[int, str]]]] = {
    # the csv module's 128 KiB field limit stopped the whole file
    "csv_field_over_128_kib": (
        "e.csv",
        b"event_id,user_id,metric,ts,attr.note\ne1,u1,a,%s,%s\ne2,%s,a,%s,\n"
        % (TS, b"n" * HUGE, b"u" * HUGE, TS),
        1,
        [(3, "user_id: longer than 256")],
    ),
    # a column name with invalid UTF-8 became an attribute key no column could hold
    "csv_header_invalid_utf8": (
        "e.csv",
        b"event_id,user_id,metric,ts,attr.\xffx\ne1,u1,a,%s,v\n" % TS,
        1,
        [],
    ),
    # quantizing a huge exponent overflowed the decimal context (decimal.InvalidOperation)
    "value_huge_exponent": (
        "e.csv",
        CSV_HEAD
        + b"e1,u1,a,1e22,%s,\ne2,u1,a,1e999999999,%s,\ne3,u1,a,-1E+400,%s,\n" % (TS, TS, TS),
        0,
        [(2, "value: not a number"), (3, "value: not a number"), (4, "value: not a number")],
    ),
    "parquet_float_1e300": (
        "e.parquet",
        _parquet(
            event_id=pa.array(["e1"]),
            user_id=pa.array(["u1"]),
            metric=pa.array(["a"]),
            ts=pa.array([TS.decode()]),
            value=pa.array([1e300]),
        ),
        0,
        [(1, "value: not a number")],
    ),
    # \\d matched other scripts' digits: an Int64 cast error, or (ts) a row without an instant;
    # Python's Decimal read "1_000" as 1000
    "non_ascii_digits_and_underscores": (
        "e.csv",
        CSV_HEAD
        + "e1,u1,a,\u0661\u0662,{ts},\ne2,u1,a,1_000,{ts},\ne3,u1,a,1,{epoch},\n".format(
            ts=TS.decode(), epoch="\u0661" * 13
        ).encode(),
        0,
        [(2, "value: not a number"), (3, "value: not a number"), (4, "ts: not ISO-8601")],
    ),
    # an integer too long for Python raised a ValueError without `.msg` (AttributeError)
    "ndjson_long_integer": (
        "e.ndjson",
        _ndjson(json.dumps(_row(value=0)).replace("0}", "9" * 5000 + "}").encode(), _row()),
        1,
        [(1, "row: invalid JSON")],
    ),
    # "\\ud800" escapes decode to lone surrogates, which polars cannot hold (UnicodeEncodeError)
    "ndjson_lone_surrogate": (
        "e.ndjson",
        _ndjson(_row(user_id="u\ud800"), _row(event_id="e2", attributes={"k\udfff": "v"}), _row()),
        1,
        [(1, "row: invalid Unicode"), (2, "row: invalid Unicode")],
    ),
    # `null` passed as an empty object ("user_id: missing")
    "ndjson_null_line": ("e.ndjson", b"null\n", 0, [(1, "row: not a JSON object")]),
    # a BOM made the first row invalid JSON (CSV already skipped it)
    "ndjson_bom": ("e.ndjson", b"\xef\xbb\xbf" + _ndjson(_row()), 1, []),
    # nested, duration and non-UTF-8 binary columns failed the cast to text (polars errors)
    "parquet_non_scalar_columns": (
        "e.parquet",
        _parquet(
            event_id=pa.array(["e1", "e2", "e3", "e4"]),
            user_id=pa.array([b"u1", b"u\xff", b"u3", b"u4"], pa.binary()),
            metric=pa.array(["a"] * 4),
            ts=pa.array([TS.decode()] * 4),
            value=pa.array([None, None, 1, None], pa.duration("s")),
            **{"attr.x": pa.array([None, None, None, [1]], pa.list_(pa.int64()))},
        ),
        1,
        [
            (2, "user_id: not valid UTF-8"),
            (3, "value: not a scalar"),
            (4, "attributes: value of 'x' is not a scalar"),
        ],
    ),
    # UInt64 above the Int64 range failed the cast (InvalidOperationError)
    "parquet_uint64": (
        "e.parquet",
        _parquet(
            event_id=pa.array(["e1", "e2", "e3"]),
            user_id=pa.array(["u1"] * 3),
            metric=pa.array(["a"] * 3),
            ts=pa.array([1_704_067_200_000, 2**64 - 1, 1_704_067_200_000], pa.uint64()),
            value=pa.array([2**64 - 1, 1, 5], pa.uint64()),
        ),
        1,
        [(1, "value: out of range"), (2, "ts: epoch milliseconds out of range")],
    ),
    # a null in a zone-less timestamp column got no reason: a "good" row without an instant
    "parquet_naive_null_ts": (
        "e.parquet",
        _parquet(
            event_id=pa.array(["e1", "e2"]),
            user_id=pa.array(["u1"] * 2),
            metric=pa.array(["a"] * 2),
            ts=pa.array([None, 1_704_067_200_000], pa.timestamp("ms")),
        ),
        0,
        [(1, "ts: missing"), (2, "ts: no UTC offset")],
    ),
}


@pytest.mark.parametrize("name", sorted(REGRESSIONS))
def test_regression(name: str, tmp_path: Path) -> None:
    """Reader and validation only (the fuzz test runs the same through both engines)."""
    file_name, content, good_rows, want = REGRESSIONS[name]
    path = tmp_path / file_name
    path.write_bytes(content)
    good = rejected = 0
    got: list[tuple[int, str]] = []
    no_zones = pl.DataFrame(schema={"user_id": pl.String, "tz": pl.String})
    for batch in read_batches(path, EVENT_FIELDS):
        ok, bad = validate.events(
            batch,
            source=str(path),
            metrics=frozenset(METRICS),
            user_tz=no_zones,
            now_ms=NOW_MS,
            fields=EVENT_FIELDS,
        )
        assert ok.get_column("ts").null_count() == 0
        good += ok.height
        rejected += bad.height
        got += [(r["line"], r["reason"]) for r in bad.to_dicts()]
    assert good == good_rows, got
    assert len(got) == len(want), got
    for (line, reason), (want_line, prefix) in zip(sorted(got), want, strict=True):
        assert line == want_line and reason.startswith(prefix), (line, reason)


def test_regression_parquet_duplicate_columns_name_the_file(tmp_path: Path) -> None:
    """polars refused the frame (DuplicateError): the file is unreadable, said so by name."""
    path = tmp_path / "dup.parquet"
    pq.write_table(pa.Table.from_arrays([pa.array(["u"]), pa.array(["v"])], ["user_id"] * 2), path)
    with pytest.raises(InputError, match=re.escape(str(path))):
        list(read_batches(path, EVENT_FIELDS))
