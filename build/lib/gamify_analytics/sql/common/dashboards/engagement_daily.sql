{#- Engagement per local date with activity: active users, their events, events per active user. -#}
{% import '_filters.sql' as f with context %}
SELECT day, active_users, events, CAST(events AS DOUBLE) / active_users AS events_per_user
FROM (
    SELECT local_date AS day, CAST(count(DISTINCT user_id) AS BIGINT) AS active_users,
           CAST(sum(events) AS BIGINT) AS events
    FROM {{ db }}.daily_metrics
    WHERE {{ f.in_range('local_date') }}{{ f.of_metric('metric') }}{{ f.of_users('user_id') }}
    GROUP BY local_date
) AS e
ORDER BY day
