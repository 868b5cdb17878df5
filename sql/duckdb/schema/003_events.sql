{#- Same columns as ClickHouse's events; local_date computed once at ingest. -#}
CREATE TABLE IF NOT EXISTS events
(
    user_id VARCHAR NOT NULL,
    metric VARCHAR NOT NULL,
    event_id VARCHAR NOT NULL,
    value DECIMAL(18, 6) NOT NULL,
    ts TIMESTAMP NOT NULL,
    tz VARCHAR NOT NULL,
    local_date DATE NOT NULL,
    attributes MAP(VARCHAR, VARCHAR),
    ingested_at TIMESTAMP DEFAULT current_timestamp
)
