{#- `per_user`: each user with an event in the range, with their active days and metrics. -#}
{% import '_filters.sql' as f with context %}
per_user AS (
    SELECT user_id, count(DISTINCT local_date) AS active_days, count(DISTINCT metric) AS metrics
    FROM {{ db }}.daily_metrics
    WHERE {{ f.in_range('local_date') }}{{ f.of_metric('metric') }}{{ f.of_users('user_id') }}
    GROUP BY user_id
)
