{#- The stored per-day aggregates of some users, finalised (ClickHouse may hold unmerged rows;
    its last_change is 1970 where the day has no non-zero event, DuckDB's is NULL). -#}
{% import '_dialect.sql' as d with context %}
SELECT
    user_id,
    metric,
    local_date,
{% if engine == 'clickhouse' %}
    sum(value_sum) AS value_sum,
    sum(events) AS events,
    nullIf(max(last_change), toDateTime64(0, 3, 'UTC')) AS last_change
FROM {{ db }}.daily_metrics
WHERE {{ d.has(d.strs('users'), 'user_id') }}
GROUP BY user_id, metric, local_date
{% else %}
    value_sum,
    events,
    last_change
FROM daily_metrics
WHERE {{ d.has(d.strs('users'), 'user_id') }}
{% endif %}
