"""One shared test suite, run on every engine (the ibis pattern).

chdb allows one store path per process, so the session shares one path and each test gets a
database of its own; DuckDB tests get a file of their own.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

from gamify_analytics import schema
from gamify_analytics.api import Gamify
from gamify_analytics.config import load
from gamify_analytics.engines import Engine, connect

# Every run draws the same examples (a failure is a bug, not bad luck); no example database,
# so a local failure cannot change what CI draws. `HYPOTHESIS_PROFILE=random` explores afresh.
settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
settings.register_profile("random", derandomize=False, database=None, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

GOLDEN = Path(__file__).resolve().parents[1] / "fixtures" / "golden"
ENGINES = ("clickhouse", "duckdb")


@pytest.fixture(scope="session")
def chdb_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("chdb") / "store"


@pytest.fixture(params=ENGINES)
def dsn(request: pytest.FixtureRequest, chdb_root: Path, tmp_path: Path) -> Iterator[str]:
    if request.param == "clickhouse":
        name = f"t_{uuid.uuid4().hex[:12]}"
        yield f"chdb://{chdb_root}?database={name}"
        with connect(f"chdb://{chdb_root}?database={name}") as e:
            e.run_sql(f"DROP DATABASE IF EXISTS {name} SYNC", {})
    else:
        yield f"duckdb://{tmp_path / 'store.duckdb'}"


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
def ch_engine(chdb_root: Path) -> Iterator[Engine]:
    """ClickHouse only: for storage properties DuckDB does not have (partitions, cluster DDL)."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    with connect(f"chdb://{chdb_root}?database={name}") as e:
        schema.migrate(e)
        yield e
        e.run_sql(f"DROP DATABASE IF EXISTS {name} SYNC", {})
