"""One shared test suite, run on every engine (the ibis pattern): the `dsn` fixture gives each
engine-facing test a store of its own on each engine, marked `clickhouse` or `duckdb`.

chdb allows one store path per process, so the session shares one path and each test gets a
database of its own; DuckDB tests get a file of their own.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

from gamify_analytics.api import Gamify
from gamify_analytics.config import load
from gamify_analytics.engines import Engine, connect, schema
from tests.helpers.stores import ENGINE_PARAMS, GOLDEN, StoreFactory

# Every run draws the same examples (a failure is a bug, not bad luck); no example database,
# so a local failure cannot change what CI draws. `HYPOTHESIS_PROFILE=random` explores afresh.
settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
settings.register_profile("random", derandomize=False, database=None, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(scope="session")
def chdb_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("chdb") / "store"


@pytest.fixture(params=ENGINE_PARAMS)
def engine_name(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def stores(engine_name: str, chdb_root: Path, tmp_path: Path) -> Iterator[StoreFactory]:
    """New stores of this test's engine, removed after the test."""
    factory = StoreFactory(engine_name, chdb_root, tmp_path)
    yield factory
    factory.drop()


@pytest.fixture
def dsn(stores: StoreFactory) -> str:
    return stores.new()


@pytest.fixture
def engine(dsn: str) -> Iterator[Engine]:
    with connect(dsn) as e:
        schema.migrate(e)
        yield e


@pytest.fixture
def golden(dsn: str) -> Iterator[Gamify]:
    with Gamify(load(GOLDEN / "config.toml"), dsn) as g:
        yield g


@pytest.fixture
def ch_engine(chdb_root: Path, tmp_path: Path) -> Iterator[Engine]:
    """ClickHouse only: for storage properties DuckDB does not have (partitions, cluster DDL)."""
    factory = StoreFactory("clickhouse", chdb_root, tmp_path)
    with connect(factory.new()) as e:
        schema.migrate(e)
        yield e
    factory.drop()
