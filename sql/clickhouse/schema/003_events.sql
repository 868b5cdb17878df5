{% import '_macros.sql' as m with context %}
{#- Raw events: monthly partitions, ordered for per-user timelines. local_date is computed once,
    at ingest, from ts and tz with the pinned tzdata. -#}
CREATE TABLE IF NOT EXISTS {{ m.local('events') }}{{ m.on_cluster() }}
(
    user_id String,
    metric LowCardinality(String),
    event_id String,
    value Decimal(18, 6),
    ts DateTime64(3, 'UTC'),
    tz LowCardinality(String),
    local_date Date,
    attributes Map(String, String),
    ingested_at DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = {{ m.engine('MergeTree', 'events') }}
PARTITION BY toYYYYMM(ts)
ORDER BY (user_id, ts, metric, event_id)
