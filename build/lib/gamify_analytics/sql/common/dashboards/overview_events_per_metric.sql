{#- Overview: per local date and metric, the users with an event, the events and their values. -#}
{% import '_filters.sql' as f with context %}
SELECT local_date AS day, metric,
       CAST(count(DISTINCT user_id) AS BIGINT) AS users,
       CAST(sum(events) AS BIGINT) AS events,
       CAST(sum(value_sum) AS DECIMAL(38, 6)) AS value
FROM {{ db }}.daily_metrics
WHERE {{ f.in_range('local_date') }}{{ f.of_metric('metric') }}{{ f.of_users('user_id') }}
GROUP BY local_date, metric
ORDER BY day, metric
