{% import '_macros.sql' as m with context %}
{#- Job locks (one run of a job at a time, docs/jobs.md): a run claims each of its jobs
    with a row, holds a job while its claim is the earliest live one, and releases it with a
    newer version of the row (released = 1). Not sharded: every replica sees every claim. Old
    claims expire (the lock's TTL is hours; a week keeps them around to look at). -#}
CREATE TABLE IF NOT EXISTS {{ m.local('job_locks', false) }}{{ m.on_cluster() }}
(
    job LowCardinality(String),
    run_id String,
    host String,
    pid UInt32,
    claimed_at DateTime64(3, 'UTC'),
    released UInt8,
    version UInt64
)
ENGINE = {{ m.engine('ReplacingMergeTree', 'job_locks', 'version', false) }}
ORDER BY (job, run_id)
TTL toDateTime(claimed_at) + INTERVAL 7 DAY
