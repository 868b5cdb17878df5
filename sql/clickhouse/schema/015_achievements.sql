{% import '_macros.sql' as m with context %}
{#- Completions: one per (achievement, user), written once and never revoked. The event
    that earned it carries its zone and local date for dashboards. -#}
CREATE TABLE IF NOT EXISTS {{ m.local('achievements') }}{{ m.on_cluster() }}
(
    achievement LowCardinality(String),
    user_id String,
    achieved_at DateTime64(3, 'UTC'),
    event_id String,
    tz LowCardinality(String),
    local_date Date,
    backdated Bool,
    seq UInt64,
    -- jobs read the rows of one run: parts written before it are skipped
    INDEX seq_window seq TYPE minmax GRANULARITY 1
)
ENGINE = {{ m.engine('ReplacingMergeTree', 'achievements') }}
ORDER BY (achievement, user_id)
