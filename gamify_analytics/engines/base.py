"""The small interface every engine implements, and the SQL template loader they share.

SQL lives in `sql/<engine>/<name>.sql`, falling back to `sql/common/<name>.sql` for statements
that are the same on every engine. Templates see only validated identifiers (`db`, `cluster`)
and the `p(name, type)` macro, which renders a bound parameter in the engine's own syntax:
values never become SQL text.
"""

from __future__ import annotations

import importlib.resources
import logging
import os
import random
import re
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from functools import cache
from typing import Any, TypeVar

import jinja2
import numpy as np
import polars as pl
import pyarrow as pa

from gamify_analytics.engines import template_cache
from gamify_analytics.engines.dsn import Dsn
from gamify_analytics.errors import ConfigError, StoreBusy, StoreError

T = TypeVar("T")
#: Every statement's template, context and seconds at DEBUG (`gamify -v`): the first tool when
#: a job is slow.
log = logging.getLogger("gamify_analytics.sql")

#: The templates' package: `sql/` at the top of the repository, shipped in the wheel.
SQL_PACKAGE = "gamify_analytics.sql"
# `\Z`, not `$`: `$` also matches before a trailing newline, which would let "name\n" through.
IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}\Z")


def check_identifier(value: str, what: str) -> str:
    """Identifiers reach SQL text (database, cluster, staging table names), so they must match
    a strict pattern."""
    if not isinstance(value, str) or not IDENTIFIER.match(value):
        raise ConfigError(f"{what}: {value!r} is not a valid identifier ([A-Za-z_][A-Za-z0-9_]*)")
    return value


#: Default for `memory_budget`: the performance targets allow 8 GB for the whole process,
#: and Python, Arrow buffers and the engine's caches need the rest.
MEMORY_GIB = 5.0


def memory_budget() -> int:
    """Bytes an engine may hold for one job's data before it spills to disk
    (`GAMIFY_MEMORY_GIB`, default `MEMORY_GIB`): both engines otherwise take about half or
    80 % of the machine's RAM before spilling."""
    raw = os.environ.get("GAMIFY_MEMORY_GIB", "")
    try:
        gib = float(raw) if raw else MEMORY_GIB
    except ValueError:
        raise StoreError(f"GAMIFY_MEMORY_GIB must be a number of GiB, not {raw!r}") from None
    if not gib > 0:
        raise StoreError(f"GAMIFY_MEMORY_GIB must be positive, not {raw!r}")
    return int(gib * 2**30)


@cache
def _environment(kind: str) -> jinja2.Environment:
    loader = jinja2.ChoiceLoader(
        [jinja2.PackageLoader(SQL_PACKAGE, kind), jinja2.PackageLoader(SQL_PACKAGE, "common")]
    )
    options = {
        "autoescape": False,
        "keep_trailing_newline": True,
        "trim_blocks": True,
        "lstrip_blocks": True,
    }
    return jinja2.Environment(
        loader=loader,
        undefined=jinja2.StrictUndefined,
        bytecode_cache=template_cache.bytecode_cache(options),
        **options,
    )


class Engine(ABC):
    """One store: schema objects live in `database` (ClickHouse) or the file (DuckDB).

    Callers never ask which engine this is: they render templates (`sql/<kind>/` overrides
    `sql/common/`) and read the capability flags below."""

    #: the template folder of this engine's statements (`sql/<kind>/`)
    kind: str
    #: Whether another process may insert while a job runs (a server). Embedded ClickHouse and
    #: DuckDB files are held by one process at a time, so nothing can be in flight.
    concurrent_writers: bool = False
    #: Whether the store drops old rows by itself (ClickHouse TTL); else callers prune.
    expires_rows: bool = False
    #: The client library statements travel through.
    driver: str

    def __init__(self, dsn: Dsn, cluster: str | None = None):
        self.dsn = dsn.text
        self.database = check_identifier(dsn.database, "database")
        self.cluster = check_identifier(cluster, "cluster") if cluster else None
        #: Zones already in `tz_days` (loaded on first use by schema.ensure_zone_days).
        self.zones_with_days: set[str] | None = None

    # --- templates -------------------------------------------------------------------------
    @abstractmethod
    def param(self, name: str, sql_type: str) -> str:
        """Placeholder for a bound parameter, e.g. `{name:String}` or `$name`."""

    def render(self, template: str, **ctx: Any) -> str:
        for k, v in ctx.items():
            if k.endswith("_ident"):
                check_identifier(v, k)
        env = _environment(self.kind)
        return env.get_template(f"{template}.sql").render(
            db=self.database, cluster=self.cluster, p=self.param, **ctx
        )

    def templates(self, folder: str) -> list[str]:
        """Template names under `folder`, engine-specific first, in file-name order."""
        root = importlib.resources.files(SQL_PACKAGE)
        names = {
            f"{folder}/{p.name.removesuffix('.sql')}"
            for base in (self.kind, "common")
            if root.joinpath(base, folder).is_dir()
            for p in root.joinpath(base, folder).iterdir()
            if p.name.endswith(".sql")
        }
        return sorted(names)

    # --- running SQL -------------------------------------------------------------------------
    def execute(self, template: str, params: Mapping[str, Any] | None = None, **ctx: Any) -> None:
        t0 = time.perf_counter()
        self.run_sql(self.render(template, **ctx), params or {})
        _timed(template, ctx, t0)

    def query(
        self, template: str, params: Mapping[str, Any] | None = None, **ctx: Any
    ) -> pl.DataFrame:
        t0 = time.perf_counter()
        frame = normalize(self.query_sql(self.render(template, **ctx), params or {}))
        _timed(template, ctx, t0)
        return frame

    def scalar(self, template: str, params: Mapping[str, Any] | None = None, **ctx: Any) -> Any:
        frame = self.query(template, params, **ctx)
        return frame.item(0, 0) if frame.height else None

    @abstractmethod
    def run_sql(self, sql: str, params: Mapping[str, Any]) -> None: ...

    @abstractmethod
    def query_sql(self, sql: str, params: Mapping[str, Any]) -> pa.Table: ...

    @abstractmethod
    def insert(self, table: str, frame: pl.DataFrame | pa.Table) -> None:
        """Append rows to `table` (columns matched by name)."""

    @abstractmethod
    def close(self) -> None: ...

    def drop(self) -> None:
        """Remove this store's tables (a ClickHouse database; a DuckDB file goes with its
        folder), then close."""
        self.close()

    # --- ingest: the only places where a MV-maintained store and DuckDB differ -----------
    @abstractmethod
    def existing_keys(self, keys: pl.DataFrame) -> pl.Series:
        """Values of `i` for rows of `keys` (user_id, metric, event_id, i) already stored."""

    def stored_key_hashes(self) -> np.ndarray | None:
        """Every stored key's dedup hash, as (n, 2) uint64 (high, low halves), when the engine
        keeps its dedup index as hashes; None when it does not (then each batch is probed)."""
        return None

    def key_hashes(self, keys: pl.DataFrame) -> np.ndarray:
        """The dedup hash of each row of `keys` (user_id, metric, event_id), as
        `stored_key_hashes` gives them."""
        raise NotImplementedError(f"{self.kind} keeps no dedup hashes")

    def upsert(self, table: str, frame: pl.DataFrame | pa.Table) -> None:
        """Add rows to `table`, replacing those with the same key. Tables that keep the
        newest row of each key by themselves (ReplacingMergeTree) take a plain insert."""
        self.insert(table, frame)

    def insert_events(self, frame: pl.DataFrame) -> None:
        """Store new events; per-day aggregates follow (a materialized view on ClickHouse)."""
        self.insert("events", frame)

    def insert_users(self, frame: pl.DataFrame) -> None:
        """Upsert users (the latest row per user_id wins)."""
        self.insert("users", frame)

    def insert_rejects(self, frame: pl.DataFrame) -> None:
        """Keep rejected rows; the same (kind, source, line, field, reason) is kept once."""
        self.insert("rejects", frame)

    def insert_duplicates(self, frame: pl.DataFrame) -> None:
        """Keep which input rows were duplicates; the same (source, line) is kept once."""
        self.insert("duplicates", frame)

    # --- what the store holds ------------------------------------------------------------
    def tables(self) -> list[str]:
        """The names of the store's tables."""
        return self.query("admin/tables", {"database": self.database}).get_column("name").to_list()

    def stored_tables(self) -> list[str]:
        """The tables that hold rows of their own (not views, nor tables that only pass rows
        on), by the names the schema gives them."""
        frame = self.query("admin/stored_tables", {"database": self.database})
        return frame.get_column("name").to_list()

    def memory_limits(self) -> dict[str, int | str]:
        """The memory limits the engine applies, read back from the engine itself (bytes, or
        the engine's own text)."""
        frame = self.query("admin/memory_limits")
        return dict(zip(frame["name"].to_list(), frame["value"].to_list(), strict=True))

    def latest(self, table: str) -> str:
        """`table` as a FROM clause that reads each key's newest version (for statements
        written outside `sql/`, such as tests' checks)."""
        return self.render("admin/latest", table_ident=table).strip()

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def to_arrow(frame: pl.DataFrame | pa.Table) -> pa.Table:
    """Polars has no map type: `attributes` travels as list<struct<key, value>> and is cast to
    an Arrow map, which both engines store as Map(String, String)."""
    table = frame if isinstance(frame, pa.Table) else frame.to_arrow()
    for i, f in enumerate(table.schema):
        if f.name == "attributes" and not pa.types.is_map(f.type):
            arr = table.column(i).combine_chunks()
            mapped = pa.MapArray.from_arrays(
                arr.offsets, arr.values.field(0), arr.values.field(1), mask=arr.is_null()
            )
            table = table.set_column(i, pa.field("attributes", mapped.type), mapped)
        elif pa.types.is_large_string(f.type) or pa.types.is_string_view(f.type):
            table = table.set_column(i, f.name, table.column(i).cast(pa.string()))
    return table


def retry_busy(
    attempt: Callable[[], T],
    *,
    timeout: float,
    poll: float = 1.0,
    between: Callable[[], None] | None = None,
) -> T:
    """`attempt()` until it is not refused as busy (`StoreBusy`: a store another process holds,
    a job another run holds); `between()` runs before each pause. After `timeout` seconds the
    last refusal is raised again, saying how long it waited."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return attempt()
        except StoreBusy as e:
            if time.monotonic() >= deadline:
                e.args = (f"{e} (still after waiting {timeout:g} s)",)
                raise
            if between is not None:
                between()
            pause = min(poll * random.uniform(0.75, 1.25), deadline - time.monotonic())
            time.sleep(max(pause, 0.0))


def naive_utc(value: datetime) -> datetime:
    """An instant as a bound parameter: naive UTC, as both engines store timestamps."""
    return value.astimezone(UTC).replace(tzinfo=None)


_TS = re.compile(r"timestamp")


def normalize(table: pa.Table) -> pl.DataFrame:
    """Results in one shape whatever the engine: timestamps as UTC milliseconds."""
    frame = pl.from_arrow(table)
    assert isinstance(frame, pl.DataFrame)
    casts = []
    for name, dtype in frame.schema.items():
        if isinstance(dtype, pl.Datetime):
            col = pl.col(name)
            if dtype.time_zone is None:
                col = col.dt.replace_time_zone("UTC")
            casts.append(col.dt.convert_time_zone("UTC").dt.cast_time_unit("ms").alias(name))
    return frame.with_columns(casts) if casts else frame


def _timed(template: str, ctx: Mapping[str, Any], t0: float) -> None:
    if log.isEnabledFor(logging.DEBUG):
        modes = ",".join(k for k, v in ctx.items() if v is True)
        elapsed = time.perf_counter() - t0
        log.debug("%7.3f s  %s%s", elapsed, template, f" [{modes}]" if modes else "")
