{#- Per job, its latest finished run (ok or failed) in the run ledger: `gamify jobs list`. -#}
{% import '_dialect.sql' as d with context %}
SELECT job, argMax(status, finished) AS last_status, max(finished) AS last_finished
FROM {{ db }}.job_runs
WHERE finished IS NOT NULL AND {{ d.has(d.strs('jobs'), 'job') }}
GROUP BY job
ORDER BY job
