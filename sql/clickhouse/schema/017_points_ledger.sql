{% import '_macros.sql' as m with context %}
{#- The award ledger: every award with its source, what was requested and what was
    actually awarded after clamping, and the time and zone of the event that earned it. -#}
CREATE TABLE IF NOT EXISTS {{ m.local('points_ledger') }}{{ m.on_cluster() }}
(
    system LowCardinality(String),
    user_id String,
    ts DateTime64(3, 'UTC'),
    event_id String,
    trigger UInt16,
    source String,
    tz LowCardinality(String),
    local_date Date,
    requested Decimal(38, 6),
    points Decimal(38, 6),
    total Decimal(38, 6),
    seq UInt64,
    -- jobs read the rows of one run: parts written before it are skipped
    INDEX seq_window seq TYPE minmax GRANULARITY 1
)
ENGINE = {{ m.engine('ReplacingMergeTree', 'points_ledger') }}
PARTITION BY toYYYYMM(ts)
-- by local date first: a leaderboard run reads the rows of its dates only
ORDER BY (system, local_date, user_id, ts, event_id, trigger)
