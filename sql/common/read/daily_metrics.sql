{#- Per user, metric and local day, finalised: the same rows on every engine. -#}
SELECT
    user_id,
    metric,
    local_date,
{% if engine == 'clickhouse' %}
    sum(value_sum) AS value_sum,
    sum(events) AS events,
    min(first_ts) AS first_ts,
    max(last).1 AS last_ts,
    max(last).3 AS last_tz
FROM {{ db }}.daily_metrics
GROUP BY user_id, metric, local_date
{% else %}
    value_sum,
    events,
    first_ts,
    last_ts,
    last_tz
FROM daily_metrics
{% endif %}
ORDER BY user_id, metric, local_date
