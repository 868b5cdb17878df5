{#- What a current build's fingerprint is made of, in one statement (two cost 4 ms more per read
    on embedded ClickHouse): the store version (job '') and each job's last successful finish. -#}
SELECT '' AS job, CAST(argMax(value, updated_at) AS VARCHAR) AS mark
FROM {{ db }}.meta WHERE key = {{ p('key', 'String') }}
HAVING count(*) > 0
UNION ALL
SELECT job, CAST(max(finished) AS VARCHAR) AS mark
FROM {{ db }}.job_runs
WHERE status = 'ok' AND finished IS NOT NULL
GROUP BY job
