{% import '_macros.sql' as m with context %}
{#- What `gamify status` and `gamify erase` need recorded (docs/operations.md). The run ledger
    keeps the ingest watermark each run started from (events ingested after it are the job's
    backlog; null for runs recorded before this migration) and a detail of runs that are not
    jobs (an erasure: the hash of its user ids, never the ids). A final leaderboard run says
    whether an erasure amended it. Statements are separated by lines holding only ";". -#}
ALTER TABLE {{ m.local('job_runs', false) }}{{ m.on_cluster() }}
    ADD COLUMN IF NOT EXISTS watermark_us Nullable(Int64)
;
ALTER TABLE {{ m.local('job_runs', false) }}{{ m.on_cluster() }}
    ADD COLUMN IF NOT EXISTS detail String DEFAULT ''
;
ALTER TABLE {{ m.local('leaderboard_runs', false) }}{{ m.on_cluster() }}
    ADD COLUMN IF NOT EXISTS amended UInt8 DEFAULT 0
