{% import '_macros.sql' as m with context %}
CREATE TABLE IF NOT EXISTS {{ m.local('users') }}{{ m.on_cluster() }}
(
    user_id String,
    tz LowCardinality(String),
    created_at Nullable(DateTime64(3, 'UTC')),
    attributes Map(String, String),
    updated_at DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = {{ m.engine('ReplacingMergeTree', 'users', 'updated_at') }}
ORDER BY user_id
