{% import '_macros.sql' as m with context %}
{#- Which input rows were duplicates of an event already stored (or of an earlier row of the
    same ingest): file, line and the (user_id, metric, event_id) they repeat. One row per input
    row: sending a file again records its rows again under the same (source, line), which the
    key merges. Not partitioned, like rejects: a partition by time would keep a file sent again
    a month later twice, and the table is small next to events (only repeats land here). -#}
CREATE TABLE IF NOT EXISTS {{ m.local('duplicates', false) }}{{ m.on_cluster() }}
(
    source String,
    line UInt64,
    user_id String,
    metric LowCardinality(String),
    event_id String,
    recorded_at DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = {{ m.engine('ReplacingMergeTree', 'duplicates', 'recorded_at', false) }}
ORDER BY (source, line)
