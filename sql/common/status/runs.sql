{#- The latest `last` runs of each job in the run ledger (erasures too), and its latest
    successful one however old, each at its latest state: newest first. -#}
SELECT job, run_id, as_of, started, finished, status, rows, error, watermark_us, detail
FROM (
    SELECT *,
           row_number() OVER (PARTITION BY job ORDER BY started DESC, run_id) AS nth,
           row_number() OVER (PARTITION BY job, status = 'ok' ORDER BY started DESC, run_id) AS nth_ok
    FROM (
        SELECT job, run_id,
               argMax(as_of, version) AS as_of, argMax(started, version) AS started,
               argMax(finished, version) AS finished, argMax(status, version) AS status,
               argMax(rows, version) AS rows, argMax(error, version) AS error,
               argMax(watermark_us, version) AS watermark_us, argMax(detail, version) AS detail
        FROM {{ db }}.job_runs
        GROUP BY job, run_id
    ) AS latest
) AS r
WHERE nth <= {{ p('last', 'UInt64') }} OR (status = 'ok' AND nth_ok = 1)
ORDER BY job, started DESC, run_id
