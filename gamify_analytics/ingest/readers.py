"""Read CSV, NDJSON and Parquet files in bounded batches of raw rows.

Every batch is a polars frame with the input columns as found (strings for text formats, native
types for Parquet), `attributes` as a list of key/value structs, and three bookkeeping columns:
`_line` (1-based line or row number), `_raw` (the row's text, for the rejects table) and
`_error` (a problem that makes the whole row unreadable, such as invalid JSON or UTF-8).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from gamify_analytics.errors import InputError

BATCH_ROWS = 500_000
EVENT_FIELDS = ("event_id", "user_id", "metric", "value", "ts", "tz")
USER_FIELDS = ("user_id", "tz", "created_at")
ATTR_PREFIX = "attr."
ATTRS = pl.List(pl.Struct({"key": pl.String, "value": pl.String}))
#: The csv module's default (128 KiB) would stop a whole file at one long field; a long field
#: is the row's problem (reject it, load the rest).
CSV_FIELD_LIMIT = 2**31 - 1


def file_format(path: Path) -> str:
    suffix = "".join(path.suffixes[-2:]).lower() if path.suffix == ".gz" else path.suffix.lower()
    formats = {".csv": "csv", ".ndjson": "ndjson", ".jsonl": "ndjson", ".json": "ndjson"}
    if suffix in formats:
        return formats[suffix]
    if suffix in (".parquet", ".pq"):
        return "parquet"
    raise InputError(f"{path}: unknown file format {suffix!r} (use .csv, .ndjson/.jsonl, .parquet)")


def read_batches(
    path: Path, fields: tuple[str, ...], batch_rows: int = BATCH_ROWS
) -> Iterator[pl.DataFrame]:
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    fmt = file_format(path)
    if fmt == "parquet":
        yield from _parquet(path, fields, batch_rows)
    elif fmt == "csv":
        yield from _csv(path, fields, batch_rows)
    else:
        yield from _ndjson(path, fields, batch_rows)


def _has_bad_utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _printable(text: str) -> str:
    """Raw text kept for a reject: invalid bytes shown as \\xNN escapes."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


class _Rows:
    """Columns of raw rows being gathered into one batch (CSV and NDJSON). Attributes are kept
    flat (keys, values, where each row's end), so a batch's lists are built at once: building
    them from a dict per pair took about a third of a CSV ingest."""

    def __init__(self, fields: tuple[str, ...]):
        self.fields = fields
        self.cols: dict[str, list[Any]] = {k: [] for k in (*fields, "_line", "_raw", "_error")}
        self.attr_keys: list[str] = []
        self.attr_values: list[str] = []
        self.attr_ends: list[int] = [0]

    def add(
        self,
        values: dict[str, str | None],
        pairs: list[tuple[str, str]],
        line: int,
        raw: str,
        error: str | None,
    ) -> None:
        for f in self.fields:
            self.cols[f].append(values.get(f))
        for key, value in pairs:
            self.attr_keys.append(key)
            self.attr_values.append(value)
        self.attr_ends.append(len(self.attr_keys))
        self.cols["_line"].append(line)
        self.cols["_raw"].append(raw)
        self.cols["_error"].append(error)

    def __len__(self) -> int:
        return len(self.cols["_line"])

    def frame(self) -> pl.DataFrame:
        data = {f: pl.Series(f, self.cols[f], dtype=pl.String) for f in self.fields}
        pairs = pa.StructArray.from_arrays(
            [pa.array(self.attr_keys, pa.string()), pa.array(self.attr_values, pa.string())],
            names=["key", "value"],
        )
        lists = pa.ListArray.from_arrays(pa.array(self.attr_ends, pa.int32()), pairs)
        data["attributes"] = pl.Series("attributes", lists).cast(ATTRS)
        data["_line"] = pl.Series("_line", self.cols["_line"], dtype=pl.UInt64)
        data["_raw"] = pl.Series("_raw", self.cols["_raw"], dtype=pl.String)
        data["_error"] = pl.Series("_error", self.cols["_error"], dtype=pl.String)
        return pl.DataFrame(data)


def _csv(path: Path, fields: tuple[str, ...], batch_rows: int) -> Iterator[pl.DataFrame]:
    csv.field_size_limit(max(csv.field_size_limit(), CSV_FIELD_LIMIT))
    with path.open("r", encoding="utf-8", errors="surrogateescape", newline="") as f:
        reader = _csv_records(csv.reader(f), path)
        first = next(reader, None)
        if first is None:
            return
        # invalid bytes in a column name become \xNN escapes: the name is text from here on
        header = [_printable(h.strip().lstrip("\ufeff")) for h in first[0]]
        index = {f: header.index(f) for f in fields if f in header}
        # attr.* columns are attributes; for users every other column is one too
        attrs = [
            (i, h.removeprefix(ATTR_PREFIX))
            for i, h in enumerate(header)
            if h.startswith(ATTR_PREFIX) or (fields == USER_FIELDS and h not in fields)
        ]
        rows = _Rows(fields)
        start = first[1] + 1
        for record, line_num in reader:
            line, start = start, line_num + 1
            raw = ",".join(record)
            error = None
            if _has_bad_utf8(raw):
                error, raw = "row: invalid UTF-8", _printable(raw)
                record = [""] * len(header)
            elif len(record) != len(header):
                error = f"row: {len(record)} fields, header has {len(header)}"
                record = (record + [""] * len(header))[: len(header)]
            values = {f: record[i] or None for f, i in index.items()}
            pairs = [(k, record[i]) for i, k in attrs if record[i] != ""]
            rows.add(values, pairs, line, raw, error)
            if len(rows) >= batch_rows:
                yield rows.frame()
                rows = _Rows(fields)
        if len(rows):
            yield rows.frame()


def _csv_records(reader: Any, path: Path) -> Iterator[tuple[list[str], int]]:
    """(record, last line number) pairs; the csv module's own errors name the file."""
    while True:
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as e:
            raise InputError(f"{path}: line {reader.line_num}: unreadable CSV ({e})") from None
        yield record, reader.line_num


def _scalar_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float, str)):
        return str(value) if not isinstance(value, float) else repr(value)
    raise TypeError(type(value).__name__)


def _ndjson(path: Path, fields: tuple[str, ...], batch_rows: int) -> Iterator[pl.DataFrame]:
    rows = _Rows(fields)
    with path.open("rb") as f:
        for number, blob in enumerate(f, start=1):
            text = blob.decode("utf-8", "surrogateescape").rstrip("\r\n")
            if number == 1:  # a byte order mark, as the CSV reader allows
                text = text.removeprefix("\ufeff")
            if not text.strip():
                continue
            obj, error = None, None
            if _has_bad_utf8(text):
                error, text = "row: invalid UTF-8", _printable(text)
            else:
                try:
                    obj = json.loads(text, parse_constant=lambda c: c)
                except ValueError as e:  # also an integer too long to convert (no .msg)
                    error = f"row: invalid JSON ({getattr(e, 'msg', e)})"
                else:
                    if not isinstance(obj, dict):  # `null` too: not an empty row
                        obj, error = None, "row: not a JSON object"
            values: dict[str, str | None] = {}
            pairs: list[tuple[str, str]] = []
            if obj is not None:
                for f_ in fields:
                    try:
                        values[f_] = _scalar_text(obj.get(f_))
                    except TypeError as e:
                        error = error or f"{f_}: expected a scalar, got {e}"
                attrs = obj.get("attributes")
                if isinstance(attrs, dict):
                    for k, v in attrs.items():
                        try:
                            text_v = _scalar_text(v)
                        except TypeError:
                            error = error or f"attributes: value of {k!r} is not a scalar"
                            continue
                        if text_v is not None:
                            pairs.append((str(k), text_v))
                elif attrs is not None:
                    error = error or "attributes: expected an object"
                for k, v in obj.items():  # users: extra columns are attributes
                    if fields == USER_FIELDS and k not in fields and k != "attributes":
                        try:
                            text_v = _scalar_text(v)
                        except TypeError:
                            continue
                        if text_v is not None:
                            pairs.append((k, text_v))
                # "\ud800" escapes decode to lone surrogates, which no column can hold
                texts = [*values.values(), *(t for p in pairs for t in p)]
                if any(t is not None and _has_bad_utf8(t) for t in texts):
                    error = error or "row: invalid Unicode (lone surrogate escape)"
                    values, pairs = {}, []
            rows.add(values, pairs, number, text, error)
            if len(rows) >= batch_rows:
                yield rows.frame()
                rows = _Rows(fields)
    if len(rows):
        yield rows.frame()


def _parquet(path: Path, fields: tuple[str, ...], batch_rows: int) -> Iterator[pl.DataFrame]:
    try:
        pf = pq.ParquetFile(path)
    except Exception as e:
        raise InputError(f"{path}: not a readable Parquet file: {e}") from None
    offset = 0
    batches = pf.iter_batches(batch_size=batch_rows)
    while (frame := _next_frame(batches, path)) is not None:
        n = frame.height
        extra = [c for c in frame.columns if c.startswith(ATTR_PREFIX)]
        if fields == USER_FIELDS:
            extra = [c for c in frame.columns if c not in fields]
        frame, errors = _scalar_columns(frame, [f for f in fields if f in frame.columns], extra)
        cols = [
            (
                frame.get_column(f)
                if f in frame.columns
                else pl.repeat(None, n, dtype=pl.String, eager=True)
            ).alias(f)
            for f in fields
        ]
        attrs = _attribute_list(frame, extra)
        out = pl.DataFrame(cols).with_columns(
            attributes=attrs,
            _line=pl.int_range(offset + 1, offset + n + 1, dtype=pl.UInt64, eager=True),
            _raw=pl.lit(None, dtype=pl.String),
            _error=errors,
        )
        offset += n
        yield out


def _next_frame(batches: Iterator[pa.RecordBatch], path: Path) -> pl.DataFrame | None:
    """The next batch as a frame, or None at the end. A batch that cannot be decoded (corrupt
    pages, duplicate column names) makes the file unreadable: one error naming it."""
    try:
        batch = next(batches, None)
        frame = None if batch is None else pl.from_arrow(batch)
    except Exception as e:
        raise InputError(f"{path}: not a readable Parquet file: {e}") from None
    assert frame is None or isinstance(frame, pl.DataFrame)
    return frame


def _is_scalar(dtype: pl.DataType) -> bool:
    """Types whose values cast to text (what validation and attributes expect)."""
    text_like = (pl.String, pl.Boolean, pl.Date, pl.Datetime, pl.Time, pl.Categorical, pl.Enum)
    return dtype.is_numeric() or dtype == pl.Null or isinstance(dtype, text_like)


def _scalar_columns(
    frame: pl.DataFrame, fields: list[str], attrs: list[str]
) -> tuple[pl.DataFrame, pl.Series]:
    """(frame, error per row): as with NDJSON, a value of a non-scalar type (list, struct,
    map, duration) or binary that is not UTF-8 rejects its row, not the file. Such
    values become null, so every column casts to text; the error names the first one."""
    n = frame.height
    bad: dict[str, pl.Series] = {}
    reasons: list[pl.Expr] = []
    for c in [*fields, *attrs]:
        col = frame.get_column(c)
        if _is_scalar(col.dtype):
            continue
        if col.dtype == pl.Binary:
            text, problem = _utf8_or_null(col), "not valid UTF-8"
        else:
            text, problem = pl.repeat(None, n, dtype=pl.String, eager=True), "not a scalar"
        if c in fields:
            what = f"{c}: {problem} ({col.dtype})"
        else:
            what = f"attributes: value of {c.removeprefix(ATTR_PREFIX)!r} is {problem}"
        key = f"b{len(bad)}"
        bad[key] = col.is_not_null() & text.is_null()
        reasons.append(pl.when(pl.col(key)).then(pl.lit(what)))
        frame = frame.with_columns(text.alias(c))
    if not reasons:
        return frame, pl.repeat(None, n, dtype=pl.String, eager=True)
    error = pl.DataFrame(bad).select(pl.coalesce(reasons).alias("_error"))
    return frame, error.get_column("_error")


def _utf8_or_null(col: pl.Series) -> pl.Series:
    """Binary as text: one cast when it is all UTF-8, else value by value (null if not)."""
    try:
        return col.cast(pl.String)
    except pl.exceptions.ComputeError:
        return pl.Series(col.name, [_decoded(b) for b in col.to_list()], dtype=pl.String)


def _decoded(blob: bytes | None) -> str | None:
    try:
        return None if blob is None else blob.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _attribute_list(frame: pl.DataFrame, columns: list[str]) -> pl.Series:
    """Attribute columns → one list<struct<key, value>> per row (non-empty values only), built
    from offsets in row-major order: one vectorised pass, whatever the column count."""
    n = frame.height
    if not columns:
        return pl.Series("attributes", [[] for _ in range(n)], dtype=ATTRS)
    vals = [frame.get_column(c).cast(pl.String) for c in columns]
    mask = np.column_stack(
        [(v.is_not_null() & (v != "")).fill_null(False).to_numpy() for v in vals]
    )
    rows, cols = np.nonzero(mask)
    offsets = np.zeros(n + 1, dtype=np.int32)
    np.cumsum(mask.sum(axis=1), out=offsets[1:])
    names = np.array([c.removeprefix(ATTR_PREFIX) for c in columns], dtype=object)
    flat = pl.concat(vals).gather(pl.Series(cols * n + rows, dtype=pl.UInt64)).to_arrow()
    entries = pa.StructArray.from_arrays(
        [pa.array(names[cols], pa.string()), flat.cast(pa.string())], ["key", "value"]
    )
    return pl.Series("attributes", pa.ListArray.from_arrays(pa.array(offsets), entries))


def raw_json(fields: tuple[str, ...]) -> pl.Expr:
    """Raw text for rows that came without one (Parquet): the row as JSON."""
    return pl.struct([pl.col(f).cast(pl.String) for f in fields]).struct.json_encode()
