{% import '_macros.sql' as m with context %}
{#- Running totals the achievements and points jobs carry between runs (docs/achievements.md):
    one row per (scope, user, counter) and run sequence number; a read takes the latest
    committed sequence, so a run that crashed before committing is simply written again. -#}
CREATE TABLE IF NOT EXISTS {{ m.local('progress') }}{{ m.on_cluster() }}
(
    scope LowCardinality(String),
    user_id String,
    counter LowCardinality(String),
    total Decimal(38, 6),
    seq UInt64
)
ENGINE = {{ m.engine('ReplacingMergeTree', 'progress') }}
ORDER BY (scope, user_id, counter, seq)
