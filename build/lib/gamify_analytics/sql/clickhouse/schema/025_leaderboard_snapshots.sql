{% import '_macros.sql' as m with context %}
{#- Provisional standings kept by the leaderboards job (docs/leaderboards.md): per open run, the
    exact top of the board as of the job's as_of, in rank order. A read merges it with the
    users whose contributions arrived since, instead of aggregating the whole run. `snap`
    identifies one refresh; older ones are pruned after the newer one is stored. -#}
CREATE TABLE IF NOT EXISTS {{ m.local('leaderboard_snapshot', false) }}{{ m.on_cluster() }}
(
    board LowCardinality(String),
    run Date,
    snap UInt64,
    rank UInt32,
    user_id String,
    score Decimal(38, 6),
    last_change DateTime64(3, 'UTC')
)
ENGINE = {{ m.engine('MergeTree', 'leaderboard_snapshot', '', false) }}
ORDER BY (board, run, snap, rank)
;
{# One row per (board, run): the latest refresh, what it had read (as_of, ingest watermark,
    points sequence), and whether its rows hold every participant. -#}
CREATE TABLE IF NOT EXISTS {{ m.local('leaderboard_snapshot_runs', false) }}{{ m.on_cluster() }}
(
    board LowCardinality(String),
    run Date,
    snap UInt64,
    as_of DateTime64(3, 'UTC'),
    watermark_us Int64,
    points_seq UInt64,
    complete UInt8
)
ENGINE = {{ m.engine('ReplacingMergeTree', 'leaderboard_snapshot_runs', 'snap', false) }}
ORDER BY (board, run)
