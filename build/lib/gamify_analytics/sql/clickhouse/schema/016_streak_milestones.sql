{% import '_macros.sql' as m with context %}
{#- Each time a chain of a streak reached a length that an achievement or a points trigger
    names, at the event where that period first met its condition (docs/achievements.md). -#}
CREATE TABLE IF NOT EXISTS {{ m.local('streak_milestones') }}{{ m.on_cluster() }}
(
    streak LowCardinality(String),
    length Int64,
    user_id String,
    period Date,
    ts DateTime64(3, 'UTC'),
    event_id String,
    tz LowCardinality(String),
    local_date Date,
    seq UInt64,
    -- jobs read the rows of one run: parts written before it are skipped
    INDEX seq_window seq TYPE minmax GRANULARITY 1
)
ENGINE = {{ m.engine('ReplacingMergeTree', 'streak_milestones') }}
ORDER BY (streak, length, user_id, period)
