"""Engine selection from a DSN."""

from __future__ import annotations

import os
from pathlib import Path

from gamify_analytics.engines.base import Engine, StoreError, naive_utc

__all__ = ["Engine", "StoreError", "connect", "naive_utc", "resolve_dsn"]

DEFAULT_STORE = Path(".gamify") / "clickhouse"


def resolve_dsn(cli: str | None, config_dsn: str | None) -> str:
    """`--dsn`, then `GAMIFY_DSN`, then `[storage] dsn`, then the embedded default."""
    dsn = cli or os.environ.get("GAMIFY_DSN") or config_dsn
    return dsn or f"chdb://{DEFAULT_STORE.resolve()}"


def connect(dsn: str, cluster: str | None = None) -> Engine:
    scheme = dsn.split("://", 1)[0] if "://" in dsn else ""
    if scheme in ("chdb", "http", "https"):
        from gamify_analytics.engines.clickhouse import ClickHouseEngine

        if scheme == "chdb":
            Path(dsn.removeprefix("chdb://").split("?", 1)[0]).mkdir(parents=True, exist_ok=True)
        return ClickHouseEngine(dsn, cluster)
    if scheme == "duckdb":
        from gamify_analytics.engines.duckdb import DuckDBEngine

        target = dsn.removeprefix("duckdb://")
        if target not in (":memory:", ""):
            Path(target).parent.mkdir(parents=True, exist_ok=True)
        return DuckDBEngine(dsn, cluster)
    raise StoreError(f"unsupported DSN {dsn!r}: use chdb:///path, http(s)://…, or duckdb:///path")


__all__ = ["Engine", "StoreError", "connect", "resolve_dsn"]
