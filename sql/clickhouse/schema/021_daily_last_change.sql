{% import '_macros.sql' as m with context %}
{#- Leaderboard ties go to the user whose last score-changing event is earlier: per day,
    the latest ts of an event with a non-zero value. Added to the per-day aggregates, the view
    that keeps them rebuilt, and the days already stored filled in from their events. -#}
ALTER TABLE {{ m.local('daily_metrics') }}{{ m.on_cluster() }}
    ADD COLUMN IF NOT EXISTS last_change SimpleAggregateFunction(max, DateTime64(3, 'UTC'))
;
DROP VIEW IF EXISTS {{ db }}.daily_metrics_mv{{ m.on_cluster() }}
;
CREATE MATERIALIZED VIEW IF NOT EXISTS {{ db }}.daily_metrics_mv{{ m.on_cluster() }}
TO {{ m.local('daily_metrics') }}
AS SELECT
    user_id,
    metric,
    local_date,
    sum(toDecimal128(value, 6)) AS value_sum,
    count() AS events,
    min(ts) AS first_ts,
    max((ts, event_id, toString(tz))) AS last,
    maxIf(ts, value != 0) AS last_change
FROM {{ m.local('events') }}
GROUP BY user_id, metric, local_date
;
INSERT INTO {{ m.local('daily_metrics') }} (user_id, metric, local_date, value_sum, events, first_ts, last, last_change)
SELECT user_id, metric, local_date, toDecimal128(0, 6), toUInt64(0), min(ts), max((ts, event_id, toString(tz))), maxIf(ts, value != 0)
FROM {{ m.local('events') }}
GROUP BY user_id, metric, local_date
HAVING countIf(value != 0) > 0
