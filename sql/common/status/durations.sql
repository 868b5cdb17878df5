{#- Per job, the p50/p95/p99 duration (microseconds) of its successful runs among the latest
    `last`. -#}
{% import '_dialect.sql' as d with context %}
{% from 'status/_rank.sql' import nearest with context %}
WITH ok AS (
    SELECT job, {{ d.epoch_us('finished') }} - {{ d.epoch_us('started') }} AS us
    FROM (
        SELECT job, run_id, argMax(started, version) AS started,
               argMax(finished, version) AS finished, argMax(status, version) AS status
        FROM {{ db }}.job_runs
        GROUP BY job, run_id
    ) AS r
    WHERE status = 'ok' AND finished IS NOT NULL
    QUALIFY row_number() OVER (PARTITION BY job ORDER BY started DESC, run_id) <= {{ p('last', 'UInt64') }}
),
ranked AS (
    SELECT job, us, row_number() OVER (PARTITION BY job ORDER BY us) AS k,
           count(*) OVER (PARTITION BY job) AS n
    FROM ok
)
SELECT job, count(*) AS runs, {{ nearest('us', 500) }} AS p50, {{ nearest('us', 950) }} AS p95,
       {{ nearest('us', 990) }} AS p99
FROM ranked
GROUP BY job
ORDER BY job
