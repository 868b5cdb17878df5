"""Writing synthetic events and users to files (Parquet, CSV, NDJSON)."""

from __future__ import annotations

import threading
from pathlib import Path
from queue import Queue

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from gamify_analytics.synthetic.events import iter_event_chunks


def users_path(out: str | Path) -> Path:
    """The users file written next to an events file: `<stem>.users.<suffix>`."""
    out = Path(out)
    return out.with_name(f"{out.stem}.users{out.suffix}")


def _format(out: Path) -> str:
    suffix = out.suffix.lower()
    if suffix == ".parquet":
        return "parquet"
    if suffix == ".csv":
        return "csv"
    if suffix in (".ndjson", ".jsonl"):
        return "ndjson"
    raise ValueError(f"{out}: unknown format {suffix!r} (use .parquet, .csv, .ndjson or .jsonl)")


def _ndjson_lines(events: pl.DataFrame) -> pl.DataFrame:
    """One JSON object per event; `attr.*` columns become an `attributes` object, left out when
    every attribute is null."""
    attrs = [c for c in events.columns if c.startswith("attr.")]
    core = [c for c in events.columns if c not in attrs]
    body = pl.struct(core).struct.json_encode()
    if events.schema.get("value") == pl.String:  # numbers stay JSON numbers; "abc", "NaN" stay text
        body = body.str.replace(r'"value":"(-?[0-9]+(?:\.[0-9]+)?)"', '"value":${1}')
    if not attrs:
        return events.select(body.alias("line"))
    fields = [pl.col(c).alias(c.removeprefix("attr.")) for c in attrs]
    attr_json = pl.struct(fields).struct.json_encode()
    # json_encode writes null fields as `null`; drop those pairs so absent attributes are absent
    for c in attrs:
        name = c.removeprefix("attr.")
        attr_json = attr_json.str.replace_all(f'"{name}":null,?', "", literal=False)
    attr_json = attr_json.str.replace(",}", "}", literal=True)
    any_attr = pl.any_horizontal([pl.col(c).is_not_null() for c in attrs])
    line = (
        pl.when(any_attr)
        .then(pl.concat_str(body.str.head(-1), pl.lit(',"attributes":'), attr_json, pl.lit("}")))
        .otherwise(body)
    )
    return events.select(line.alias("line"))


def _write_ndjson_events(events: pl.DataFrame, path: Path) -> None:
    # JSON text holds no raw newline, so each line goes out verbatim as a one-column CSV row
    with path.open("wb") as f:
        for off in range(0, events.height, 1_000_000):
            lines = _ndjson_lines(events.slice(off, 1_000_000))
            lines.write_csv(f, include_header=False, quote_style="never")


def _write_frame(frame: pl.DataFrame, path: Path, fmt: str, *, events: bool) -> None:
    if fmt == "parquet":
        frame.write_parquet(path, compression="zstd", row_group_size=1_000_000)
    elif fmt == "csv":
        frame.write_csv(path)
    elif events:
        _write_ndjson_events(frame, path)
    else:
        frame.write_ndjson(path)


def write(events: pl.DataFrame, users: pl.DataFrame, out: str | Path) -> tuple[Path, Path]:
    """Write events to `out` in the format its suffix names (.parquet, .csv, .ndjson/.jsonl) and
    users to a sibling file `<stem>.users.<same suffix>`; return both paths."""
    out = Path(out)
    fmt = _format(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    upath = users_path(out)
    _write_frame(events, out, fmt, events=True)
    _write_frame(users, upath, fmt, events=False)
    return out, upath


def generate_parquet(
    users: int,
    days: int,
    out: str | Path,
    *,
    seed: int = 0,
    chunk_users: int = 50_000,
    **kw,
) -> tuple[Path, Path]:
    """Write a large events Parquet file chunk by chunk (each chunk ordered by `ts`), plus the
    users file `<stem>.users.parquet`; memory stays bounded by a couple of chunks. Keyword
    arguments are those of `generate`; the rows are the same as `generate`'s."""
    out = Path(out)
    if _format(out) != "parquet":
        raise ValueError(f"{out}: generate_parquet writes .parquet files only")
    out.parent.mkdir(parents=True, exist_ok=True)
    users_frame, chunks = iter_event_chunks(users, days, seed=seed, chunk_users=chunk_users, **kw)
    upath = users_path(out)
    users_frame.write_parquet(upath, compression="zstd")
    tmp = out.with_name(out.name + ".tmp")
    # the writer runs in a thread (pyarrow releases the GIL) while the next chunk is generated
    queue: Queue[pa.Table | None] = Queue(maxsize=1)
    failure: list[BaseException] = []

    def drain() -> None:
        writer: pq.ParquetWriter | None = None
        try:
            while (table := queue.get()) is not None:
                if writer is None:
                    schema = table.schema
                    writer = pq.ParquetWriter(tmp, schema, compression="zstd")
                writer.write_table(table.cast(schema), row_group_size=1_000_000)
        except BaseException as exc:  # reported by the generating thread
            failure.append(exc)
            while queue.get() is not None:
                pass
        finally:
            if writer is not None:
                writer.close()

    thread = threading.Thread(target=drain, name="fixtures-parquet-writer", daemon=True)
    thread.start()
    try:
        try:
            for chunk in chunks:
                if failure:
                    break
                queue.put(chunk.to_arrow())
        finally:
            queue.put(None)
            thread.join()
        if failure:
            raise failure[0]
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    tmp.replace(out)
    return out, upath
