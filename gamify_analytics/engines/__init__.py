"""The engines behind one interface: engine selection from a DSN, and the names callers use."""

from __future__ import annotations

import os

from gamify_analytics.engines import dsn as dsns
from gamify_analytics.engines.base import Engine, naive_utc, retry_busy
from gamify_analytics.errors import StoreBusy, StoreError

__all__ = ["Engine", "StoreBusy", "StoreError", "connect", "naive_utc", "resolve_dsn", "retry_busy"]


def resolve_dsn(cli: str | None, config_dsn: str | None) -> str:
    """`--dsn`, then `GAMIFY_DSN`, then `[storage] dsn`, then the embedded default."""
    return cli or os.environ.get("GAMIFY_DSN") or config_dsn or dsns.default()


def connect(dsn: str, cluster: str | None = None) -> Engine:
    """Open the store `dsn` points at (its directory or file is created if missing)."""
    parsed = dsns.parse(dsn)
    if parsed.path is not None:
        (parsed.path if parsed.scheme == "chdb" else parsed.path.parent).mkdir(
            parents=True, exist_ok=True
        )
    if parsed.engine == "clickhouse":
        from gamify_analytics.engines.clickhouse import ClickHouseEngine

        return ClickHouseEngine(parsed, cluster)
    from gamify_analytics.engines.duckdb import DuckDBEngine

    return DuckDBEngine(parsed, cluster)
