{#- ClickHouse keeps this with a materialized view; here ingest merges each batch into it. -#}
CREATE TABLE IF NOT EXISTS daily_metrics
(
    user_id VARCHAR NOT NULL,
    metric VARCHAR NOT NULL,
    local_date DATE NOT NULL,
    value_sum DECIMAL(38, 6) NOT NULL,
    events UBIGINT NOT NULL,
    first_ts TIMESTAMP NOT NULL,
    last_ts TIMESTAMP NOT NULL,
    last_tz VARCHAR NOT NULL,
    last_event_id VARCHAR NOT NULL,
    PRIMARY KEY (user_id, metric, local_date)
)
