{#- Per user, metric and local day, finalised: the same rows on every engine (ClickHouse may
    hold unmerged rows; its last_change is 1970 where the day has no non-zero event, DuckDB's is
    NULL). With `users_filter`: only the users in `users`. -#}
{% import '_dialect.sql' as d with context %}
{% set users_filter = users_filter | default(false) %}
SELECT
    user_id,
    metric,
    local_date,
    sum(value_sum) AS value_sum,
    sum(events) AS events,
    min(first_ts) AS first_ts,
    max(last).1 AS last_ts,
    max(last).3 AS last_tz,
    nullIf(max(last_change), toDateTime64(0, 3, 'UTC')) AS last_change
FROM {{ db }}.daily_metrics
{% if users_filter %}
WHERE {{ d.has(d.strs('users'), 'user_id') }}
{% endif %}
GROUP BY user_id, metric, local_date
ORDER BY user_id, metric, local_date
