{% import '_macros.sql' as m with context %}
CREATE MATERIALIZED VIEW IF NOT EXISTS {{ db }}.daily_metrics_mv{{ m.on_cluster() }}
TO {{ m.local('daily_metrics') }}
AS SELECT
    user_id,
    metric,
    local_date,
    sum(toDecimal128(value, 6)) AS value_sum,
    count() AS events,
    min(ts) AS first_ts,
    max((ts, event_id, toString(tz))) AS last
FROM {{ m.local('events') }}
GROUP BY user_id, metric, local_date
