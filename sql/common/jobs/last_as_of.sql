{#- Per job, the as-of of its latest successful run (the run ledger): a later run may not go
    back before it without a recompute (docs/jobs.md "Time travel"). -#}
{% import '_dialect.sql' as d with context %}
SELECT job, argMax(as_of, finished) AS as_of
FROM {{ db }}.job_runs
WHERE status = 'ok' AND finished IS NOT NULL AND {{ d.has(d.strs('jobs'), 'job') }}
GROUP BY job
