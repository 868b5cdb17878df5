"""Stores for tests: the golden fixtures, the engines every engine-facing test runs on, and new
stores of one engine beside the test's own (the `stores` fixture)."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from gamify_analytics.engines import connect
from gamify_analytics.engines import dsn as dsns

GOLDEN = Path(__file__).resolve().parents[2] / "fixtures" / "golden"
ENGINES = ("clickhouse", "duckdb")
#: The engines as test parameters, each marked with its name (`pytest -m duckdb`).
ENGINE_PARAMS = [pytest.param(e, marks=getattr(pytest.mark, e), id=e) for e in ENGINES]


class StoreFactory:
    """New stores of one engine: a database each on the session's embedded ClickHouse path (a
    process opens one path), a file each for DuckDB; `drop()` removes them."""

    def __init__(self, engine: str, embedded_root: Path, folder: Path):
        self.engine, self.embedded_root, self.folder = engine, embedded_root, folder
        self.made: list[str] = []

    def new(self) -> str:
        name = f"t_{uuid.uuid4().hex[:12]}"
        dsn = dsns.store_in(self.engine, name, embedded_root=self.embedded_root, folder=self.folder)
        self.made.append(dsn)
        return dsn

    def drop(self) -> None:
        for dsn in self.made:
            connect(dsn).drop()
        self.made.clear()


def engine_of(dsn: str) -> str:
    """ "clickhouse" or "duckdb": which engine serves `dsn`."""
    return dsns.parse(dsn).engine
