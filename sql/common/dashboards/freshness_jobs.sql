{#- Per job, its last successful run in the run ledger: when it finished, its as-of and rows. -#}
SELECT job, last_finished AS finished, last_as_of AS as_of, last_rows AS rows
FROM (
    SELECT job, max(finished) AS last_finished, argMax(as_of, finished) AS last_as_of,
           argMax(rows, finished) AS last_rows
    FROM {{ db }}.job_runs
    WHERE status = 'ok' AND finished IS NOT NULL
    GROUP BY job
) AS j
ORDER BY job
