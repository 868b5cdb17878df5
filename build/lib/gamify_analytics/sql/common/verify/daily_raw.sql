{#- The per-day aggregates of some users recomputed from their raw events (read by the
    events' primary key), the same columns as verify/daily_stored. -#}
{% import '_dialect.sql' as d with context %}
SELECT
    user_id,
    metric,
    local_date,
    CAST(sum(value) AS DECIMAL(38, 6)) AS value_sum,
    count(*) AS events,
    max(CASE WHEN value != 0 THEN ts END) AS last_change
FROM {{ db }}.events
WHERE {{ d.has(d.strs('users'), 'user_id') }}
GROUP BY user_id, metric, local_date
