"""Schema: idempotent versioned migrations, monthly partitions, cluster DDL that parses."""

from __future__ import annotations

from gamify_analytics.engines import Engine, schema
from gamify_analytics.engines.clickhouse import ClickHouseEngine


def test_migrations_are_idempotent(engine: Engine) -> None:
    assert schema.migrate(engine) == []
    versions = engine.query("admin/applied_migrations").get_column("version").to_list()
    assert versions == [v for v, _ in schema.migrations(engine)]


def test_events_are_partitioned_by_month(ch_engine: Engine) -> None:
    engine = ch_engine
    row = engine.query_sql(
        "SELECT partition_key, sorting_key FROM system.tables "
        "WHERE database = {db:String} AND name = 'events'",
        {"db": engine.database},
    ).to_pylist()[0]
    assert row["partition_key"] == "toYYYYMM(ts)"
    assert row["sorting_key"].startswith("user_id, ts")


def test_cluster_ddl_parses(ch_engine: Engine) -> None:
    engine = ch_engine
    assert isinstance(engine, ClickHouseEngine)
    engine.cluster = "main"
    try:
        rendered = [
            s for _, name in schema.migrations(engine) for s in schema.statements(engine, name)
        ]
    finally:
        engine.cluster = None
    assert any("ON CLUSTER main" in s for s in rendered)
    assert any("ReplicatedMergeTree" in s for s in rendered)
    assert any("Distributed(main" in s and "cityHash64(user_id)" in s for s in rendered)
    for sql in rendered:
        formatted = engine.query_sql("SELECT formatQuery({q:String})", {"q": sql}).to_pylist()
        assert formatted[0]
