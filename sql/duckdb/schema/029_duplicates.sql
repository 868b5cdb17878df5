{#- Which input rows were duplicates of an event already stored (or of an earlier row of the
    same ingest): file, line and the (user_id, metric, event_id) they repeat; a file sent again
    keeps one row per line (sql/clickhouse/schema/029_duplicates.sql). -#}
CREATE TABLE IF NOT EXISTS duplicates
(
    source VARCHAR NOT NULL,
    line UBIGINT NOT NULL,
    user_id VARCHAR NOT NULL,
    metric VARCHAR NOT NULL,
    event_id VARCHAR NOT NULL,
    recorded_at TIMESTAMP DEFAULT current_timestamp,
    PRIMARY KEY (source, line)
)
