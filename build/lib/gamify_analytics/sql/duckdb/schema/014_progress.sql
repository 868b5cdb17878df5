{#- DuckDB twin of sql/clickhouse/schema/014_progress.sql. -#}
CREATE TABLE IF NOT EXISTS progress
(
    scope VARCHAR NOT NULL,
    user_id VARCHAR NOT NULL,
    counter VARCHAR NOT NULL,
    total DECIMAL(38, 6) NOT NULL,
    seq UBIGINT NOT NULL,
    PRIMARY KEY (scope, user_id, counter, seq)
)
