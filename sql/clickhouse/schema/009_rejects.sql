{% import '_macros.sql' as m with context %}
{#- Rejected input rows, never dropped: the raw text, why, and where it came from. -#}
CREATE TABLE IF NOT EXISTS {{ m.local('rejects', false) }}{{ m.on_cluster() }}
(
    kind LowCardinality(String),
    source String,
    line UInt64,
    field LowCardinality(String),
    reason String,
    raw String,
    rejected_at DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = {{ m.engine('ReplacingMergeTree', 'rejects', '', false) }}
ORDER BY (kind, source, line, field, reason)
