{% import '_macros.sql' as m with context %}
CREATE TABLE IF NOT EXISTS {{ m.local('meta', false) }}{{ m.on_cluster() }}
(
    key String,
    value String,
    updated_at DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = {{ m.engine('ReplacingMergeTree', 'meta', 'updated_at', false) }}
ORDER BY key
