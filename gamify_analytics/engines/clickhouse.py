"""ClickHouse through clickhouse-connect: the embedded chdb store and HTTP servers, same code."""

from __future__ import annotations

import fcntl
import hashlib
import io
import time
import uuid
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import clickhouse_connect
import numpy as np
import polars as pl
import pyarrow as pa

from gamify_analytics.engines import dsn as dsns
from gamify_analytics.engines.base import Engine, memory_budget, to_arrow
from gamify_analytics.engines.dsn import Dsn
from gamify_analytics.errors import StoreBusy, StoreError

#: Settings every statement runs with, set once per connection: passed with each statement,
#: the embedded backend applies and restores them with extra statements (SELECT 1: 1 ms
#: without, 6 ms with these two).
_SETTINGS = {"join_use_nulls": 0, "enable_materialized_cte": 1}
#: The operations that spill to disk past a threshold (`memory_budget`).
_SPILLING = ("group_by", "sort", "distinct", "join")
# A backfill batch may span years of monthly partitions (normal input, not an error); a
# table's views are fed in parallel.
_INSERT_SETTINGS = {"max_partitions_per_insert_block": 0, "parallel_view_processing": 1}
# An insert under a token (`insert(..., token=...)`): sent again with the same token, the parts
# already stored are skipped, in the table and in each of its views' targets; the rest is
# written.
_RETRY_SETTINGS = {"deduplicate_blocks_in_dependent_materialized_views": 1}
# The per-day view groups each block by the target's key already: merging its rows again as
# they are written (the default for aggregating tables) found nothing to merge and cost a
# quarter of the insert.
_EVENT_SETTINGS = {"optimize_on_insert": 0}
T = TypeVar("T")
#: Tries to open an embedded store whose lock another process takes between probe and open.
OPEN_ATTEMPTS = 3


class ClickHouseEngine(Engine):
    kind = "clickhouse"
    driver = "clickhouse-connect"

    expires_rows = True

    def __init__(self, dsn: Dsn, cluster: str | None = None):
        super().__init__(dsn, cluster)
        self.path = str(dsn.path) if dsn.path is not None else None
        self.concurrent_writers = not dsn.embedded
        self.client_dsn = f"chdb://{self.path}" if self.path else dsn.server_url()
        # a statement's group by, sort, distinct or join spills past a third of the budget (two
        # may be live at once; the server's default is half of its memory limit)
        spill = memory_budget() // 3
        self.settings = {
            **_SETTINGS,
            **{f"max_bytes_before_external_{op}": spill for op in _SPILLING},
        }
        self.client = _open_client(dsn.text, self.client_dsn, self.path, self.settings)
        #: a second connection for inserts that run beside the first's (opened when needed)
        self._writer: Any = None
        self.client.command(
            f"CREATE DATABASE IF NOT EXISTS {self.database}"
            + (f" ON CLUSTER {self.cluster}" if self.cluster else "")
            + " ENGINE = Atomic"
        )

    def param(self, name: str, sql_type: str) -> str:
        return f"{{{name}:{sql_type}}}"

    def run_sql(self, sql: str, params: Mapping[str, Any]) -> None:
        self.client.command(sql, parameters=dict(params))

    def query_sql(self, sql: str, params: Mapping[str, Any]) -> pa.Table:
        return self.client.query_arrow(sql, parameters=dict(params))

    def insert(
        self,
        table: str,
        frame: pl.DataFrame | pa.Table,
        *,
        token: str | None = None,
        settings: Mapping[str, int] | None = None,
        client: Any = None,
    ) -> None:
        """`token`: the insert's deduplication token (a retry with the same one is idempotent);
        `client`: the connection to send it by (default: the engine's)."""
        data = to_arrow(frame)
        if data.num_rows:
            settings = {**_INSERT_SETTINGS, **(settings or {})}
            if token is not None:
                settings = {**settings, **_RETRY_SETTINGS, "insert_deduplication_token": token}
            (client or self.client).insert_arrow(
                f"{self.database}.{table}", data, settings=settings
            )

    def insert_events(self, frame: pl.DataFrame) -> None:
        """Events (daily_metrics follows by a view), then their keys in the dedup index, each
        half of the batch under a token derived from its content. ClickHouse commits each part
        of events and of daily_metrics on its own, so a killed ingest may have stored some of
        them, but no key before them all: its re-run finds the batch's keys missing, sends the
        same halves with the same tokens, and only what is missing is written
        (sql/clickhouse/schema/027_ingest_retry.sql)."""
        if not frame.height:
            return
        halves = [frame.slice(0, frame.height // 2), frame.slice(frame.height // 2)]
        tokens = self._on_both(halves, self._insert_events_half)
        keys = [half.select("user_id", "metric", "event_id") for half in halves]
        self._on_both(list(zip(keys, tokens, strict=True)), self._insert_keys)

    def _insert_events_half(self, half: pl.DataFrame, client: Any) -> str:
        """Insert half a batch under a token hashed from it (here: in the insert's thread);
        the token."""
        token = _batch_token(half)
        self.insert("events", half, token=token, settings=_EVENT_SETTINGS, client=client)
        return token

    def _insert_keys(self, keys_token: tuple[pl.DataFrame, str], client: Any) -> None:
        keys, token = keys_token
        self.insert("event_keys_in", keys, token=token, client=client)

    def _on_both(self, items: list[Any], insert: Callable[[Any, Any], T]) -> list[T]:
        """`insert(item, connection)` for two items at once, each by its own connection: one
        insert keeps about one core busy (it parses, sorts and writes its parts in turn); two
        use both (1.7M events in 3.3 s, not 4.3 s, on two cores)."""
        if self._writer is None:
            self._writer = _connect(self.client_dsn, self.settings, self.path is not None)
        with ThreadPoolExecutor(max_workers=2) as pool:
            done = [
                pool.submit(insert, item, client)
                for item, client in zip(items, (self.client, self._writer), strict=True)
            ]
            return [future.result() for future in done]

    def existing_keys(self, keys: pl.DataFrame) -> pl.Series:
        if not keys.height or not self.scalar("ingest/has_events"):
            return pl.Series("i", [], dtype=pl.UInt32)
        return self._staged(keys, "ingest/existing_keys").get_column("i")

    def stored_key_hashes(self) -> np.ndarray:
        return _pairs(self.query("ingest/stored_key_hashes"))

    def key_hashes(self, keys: pl.DataFrame) -> np.ndarray:
        if not keys.height:
            return np.empty((0, 2), dtype=np.uint64)
        return _pairs(self._staged(keys.with_row_index("i"), "ingest/key_hashes"))

    def _staged(self, keys: pl.DataFrame, template: str) -> pl.DataFrame:
        """`template` run over `keys` (user_id, metric, event_id, i) in a stage table."""
        stage = f"ingest_stage_{uuid.uuid4().hex}"
        self.execute("ingest/create_stage", stage_ident=stage)
        try:
            self.insert(stage, keys)
            return self.query(template, stage_ident=stage)
        finally:
            self.execute("ingest/drop_stage", stage_ident=stage)

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
        self.client.close()

    def drop(self) -> None:
        self.client.command(f"DROP DATABASE IF EXISTS {self.database} SYNC")
        self.close()


def _pairs(frame: pl.DataFrame) -> np.ndarray:
    """(hi, lo) columns as an (n, 2) uint64 array."""
    return np.column_stack([frame.get_column(c).to_numpy() for c in ("hi", "lo")]).astype(
        np.uint64, copy=False
    )


def _batch_token(frame: pl.DataFrame) -> str:
    """A batch's deduplication token: a hash of all of it, so that only the very same batch
    sent again is skipped part by part (a batch that differs, even with the same keys, is a
    different insert and loses nothing)."""
    buf = io.BytesIO()
    frame.rechunk().write_ipc(buf, compression="uncompressed")
    return hashlib.sha256(buf.getvalue()).hexdigest()


def _connect(client_dsn: str, settings: dict[str, int], embedded: bool) -> Any:
    """A connection with `settings` for every statement. An embedded store takes any number
    of connections from the process that holds its lock."""
    if not embedded:
        return clickhouse_connect.get_client(dsn=client_dsn, settings=settings)
    client = clickhouse_connect.get_client(dsn=client_dsn)
    for name, value in settings.items():
        client.command(f"SET {name} = {int(value)}")
    return client


def _open_client(dsn: str, client_dsn: str, path: str | None, settings: dict[str, int]) -> Any:
    """The driver's client, with `settings` for every statement: a server takes them with each
    request at no cost; an embedded connection keeps them for its session (SET once).

    Losing the race for an embedded store's lock to another process (between the probe and
    chdb's own lock) is reported by chdb only as "Error initializing EmbeddedServer": probe
    again, which then names the holder, and try again."""
    error: Exception | None = None
    for _ in range(OPEN_ATTEMPTS):
        if path:
            _check_unlocked(path)
        try:
            return _connect(client_dsn, settings, path is not None)
        except Exception as e:  # the driver raises several types; all mean "cannot open"
            error = e
            if not (path and "initializing EmbeddedServer" in str(e)):
                break
            time.sleep(0.05)
    assert error is not None
    if path and "Cannot lock file" in str(error):
        raise StoreBusy(
            f"the embedded store {path} is in use by another process (only one may open it)"
        ) from None
    raise StoreError(_open_error(dsn, path, error)) from None


def _check_unlocked(path: str) -> None:
    """chdb takes an exclusive flock on `<path>/status`; probing it first turns "held by another
    process" into a one-line error instead of an engine failure (and its stderr noise)."""
    status = Path(path) / "status"
    if not status.exists():
        return
    with status.open("a") as f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise StoreBusy(
                f"the embedded store {path} is in use by another process (only one may open it)"
            ) from None
        fcntl.flock(f, fcntl.LOCK_UN)


def _open_error(dsn: str, path: str | None, error: Exception) -> str:
    text = str(error).strip().splitlines()[0] if str(error).strip() else repr(error)
    if path:
        return f"cannot open the embedded store {path}: {text}"
    host = dsns.parse(dsn).host
    return f"cannot connect to ClickHouse at {host}: {text}"
