{% import '_macros.sql' as m with context %}
{#- The run ledger: one row per state change of a run; the latest version is the state. -#}
CREATE TABLE IF NOT EXISTS {{ m.local('job_runs', false) }}{{ m.on_cluster() }}
(
    run_id String,
    job LowCardinality(String),
    as_of DateTime64(3, 'UTC'),
    started DateTime64(3, 'UTC'),
    finished Nullable(DateTime64(3, 'UTC')),
    status LowCardinality(String),
    rows UInt64,
    error String,
    version UInt64
)
ENGINE = {{ m.engine('ReplacingMergeTree', 'job_runs', 'version', false) }}
ORDER BY (job, run_id)
