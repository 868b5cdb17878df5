{% import '_macros.sql' as m with context %}
{#- Finalized leaderboard standings: immutable once the run's status row says final.
    Ordered for the read: one board, run and group, by rank. -#}
CREATE TABLE IF NOT EXISTS {{ m.local('leaderboard_final', false) }}{{ m.on_cluster() }}
(
    board LowCardinality(String),
    run Date,
    grp String,
    rank UInt32,
    user_id String,
    score Decimal(38, 6),
    last_change DateTime64(3, 'UTC'),
    -- users with a non-zero score in the group (all of them, not only those kept)
    participants UInt64
)
ENGINE = {{ m.engine('ReplacingMergeTree', 'leaderboard_final', '', false) }}
ORDER BY (board, run, grp, rank)
;
{# One row per finalized run, written after its standings: what was read, and how many
    contributions arrived late (counted, never applied). -#}
CREATE TABLE IF NOT EXISTS {{ m.local('leaderboard_runs', false) }}{{ m.on_cluster() }}
(
    board LowCardinality(String),
    run Date,
    finalized_at DateTime64(3, 'UTC'),
    as_of DateTime64(3, 'UTC'),
    watermark_us Int64,
    points_seq UInt64,
    participants UInt64,
    late UInt64,
    version UInt64
)
ENGINE = {{ m.engine('ReplacingMergeTree', 'leaderboard_runs', 'version', false) }}
ORDER BY (board, run)
