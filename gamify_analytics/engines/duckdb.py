"""DuckDB: the second, independent engine. Same tables; aggregates kept at ingest (no MVs)."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import duckdb
import polars as pl
import pyarrow as pa

from gamify_analytics.engines.base import Engine, memory_budget, to_arrow
from gamify_analytics.engines.dsn import Dsn
from gamify_analytics.errors import StoreBusy, StoreError


class DuckDBEngine(Engine):
    kind = "duckdb"
    driver = "duckdb"

    def __init__(self, dsn: Dsn, cluster: str | None = None):
        if cluster:
            raise StoreError("cluster mode needs ClickHouse; DuckDB stores are single-node")
        super().__init__(dsn)
        self.path = str(dsn.path) if dsn.path is not None else None
        try:
            self.con = duckdb.connect(self.path or ":memory:")
        except duckdb.IOException as e:
            text = str(e).splitlines()[0]
            if "lock" in text.lower():
                raise StoreBusy(
                    f"the DuckDB store {self.path} is in use by another process"
                ) from None
            raise StoreError(f"cannot open the DuckDB store {self.path}: {text}") from None
        self.con.execute("SET TimeZone = 'UTC'")
        # its default is 80 % of RAM, which it fills (buffer pool) before it spills
        self.con.execute(f"SET memory_limit = '{memory_budget()}B'")

    def param(self, name: str, sql_type: str) -> str:
        return f"${name}"

    def run_sql(self, sql: str, params: Mapping[str, Any]) -> None:
        self.con.execute(sql, _used(sql, params))

    def query_sql(self, sql: str, params: Mapping[str, Any]) -> pa.Table:
        return self.con.sql(sql, params=_used(sql, params)).to_arrow_table()

    @contextmanager
    def _registered(self, name: str, frame: pl.DataFrame | pa.Table) -> Iterator[None]:
        """`frame` readable as the view `name` for the duration of the block."""
        self.con.register(name, to_arrow(frame))
        try:
            yield
        finally:
            self.con.unregister(name)

    def insert(self, table: str, frame: pl.DataFrame | pa.Table) -> None:
        if len(frame):
            with self._registered("_gamify_insert", frame):
                self.con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM _gamify_insert")

    def upsert(self, table: str, frame: pl.DataFrame | pa.Table) -> None:
        if len(frame):
            with self._registered("_gamify_insert", frame):
                self.con.execute(
                    f"INSERT OR REPLACE INTO {table} BY NAME SELECT * FROM _gamify_insert"
                )

    def existing_keys(self, keys: pl.DataFrame) -> pl.Series:
        if not keys.height or not self.scalar("ingest/has_events"):
            return pl.Series("i", [], dtype=pl.UInt32)
        with self._registered("_gamify_stage", keys):
            return self.query("ingest/existing_keys").get_column("i")

    def insert_events(self, frame: pl.DataFrame) -> None:
        self.con.execute("BEGIN")
        try:
            self.insert("events", frame)
            self._run_with("_gamify_batch", frame, "ingest/merge_daily")
            self.con.execute("COMMIT")
        except BaseException:
            self.con.execute("ROLLBACK")
            raise

    def insert_users(self, frame: pl.DataFrame) -> None:
        self._run_with("_gamify_batch", frame, "ingest/upsert_users")

    def insert_rejects(self, frame: pl.DataFrame) -> None:
        self._run_with("_gamify_batch", frame, "ingest/insert_rejects")

    def insert_duplicates(self, frame: pl.DataFrame) -> None:
        self._run_with("_gamify_batch", frame, "ingest/insert_duplicates")

    def _run_with(self, name: str, frame: pl.DataFrame | pa.Table, template: str) -> None:
        if len(frame):
            with self._registered(name, frame):
                self.execute(template)

    def close(self) -> None:
        self.con.close()


def _used(sql: str, params: Mapping[str, Any]) -> dict[str, Any]:
    """DuckDB rejects named parameters that the statement does not use."""
    used = set(re.findall(r"\$([A-Za-z_][A-Za-z0-9_]*)", sql))
    return {k: v for k, v in params.items() if k in used}
