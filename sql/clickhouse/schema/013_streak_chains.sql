{% import '_macros.sql' as m with context %}
{#- The streaks job's output: each user's chain after the last qualifying period. The
    as-of fields (status, freezes left, expiry) are judged from it when read. -#}
CREATE TABLE IF NOT EXISTS {{ m.local('streak_chains') }}{{ m.on_cluster() }}
(
    streak LowCardinality(String),
    user_id String,
    has_chain Bool,
    length Int64,
    longest Int64,
    balance Int64,
    started Date,
    last_period Date,
    last_zone LowCardinality(String),
    last_start_ms Int64,
    last_end_ms Int64,
    last_ord Int64,
    freezes_used Int64,
    -- the state before the last period (the incremental job can redo the last period alone)
    has_prev Bool,
    prev_length Int64,
    prev_longest Int64,
    prev_balance Int64,
    prev_started Date,
    prev_freezes_used Int64,
    prev_period Date,
    prev_zone LowCardinality(String),
    prev_start_ms Int64,
    prev_end_ms Int64,
    prev_ord Int64,
    version UInt64
)
ENGINE = {{ m.engine('ReplacingMergeTree', 'streak_chains', 'version') }}
ORDER BY (streak, user_id)
