{#- Events and rejects recorded in the last hour and day before `now`, and the lag of the
    day's events (ingested_at − ts, microseconds) at p50/p95/p99. -#}
{% import '_dialect.sql' as d with context %}
{% from 'status/_rank.sql' import nearest with context %}
WITH lags AS (
    SELECT {{ d.epoch_us('ingested_at') }} - {{ d.epoch_us('ts') }} AS us, ingested_at
    FROM {{ db }}.events
    WHERE ingested_at > {{ d.ts('day_ago') }} AND ingested_at <= {{ d.ts('now') }}
),
ranked AS (
    SELECT us, ingested_at, row_number() OVER (ORDER BY us) AS k, count(*) OVER () AS n FROM lags
),
rejected AS (
    SELECT rejected_at FROM {{ db }}.rejects {{ d.final() }}
    WHERE rejected_at > {{ d.ts('day_ago') }} AND rejected_at <= {{ d.ts('now') }}
)
SELECT
    (SELECT count(*) FROM lags WHERE ingested_at > {{ d.ts('hour_ago') }}) AS events_1h,
    (SELECT count(*) FROM lags) AS events_1d,
    (SELECT count(*) FROM rejected WHERE rejected_at > {{ d.ts('hour_ago') }}) AS rejects_1h,
    (SELECT count(*) FROM rejected) AS rejects_1d,
    (SELECT {{ nearest('us', 500) }} FROM ranked) AS lag_p50,
    (SELECT {{ nearest('us', 950) }} FROM ranked) AS lag_p95,
    (SELECT {{ nearest('us', 990) }} FROM ranked) AS lag_p99
