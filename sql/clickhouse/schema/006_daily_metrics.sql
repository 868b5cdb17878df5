{% import '_macros.sql' as m with context %}
{#- Per user, metric and local day: the input of streaks, achievements, leaderboards and
    dashboards. Kept current by daily_metrics_mv as events land. -#}
CREATE TABLE IF NOT EXISTS {{ m.local('daily_metrics') }}{{ m.on_cluster() }}
(
    user_id String,
    metric LowCardinality(String),
    local_date Date,
    value_sum SimpleAggregateFunction(sum, Decimal(38, 6)),
    events SimpleAggregateFunction(sum, UInt64),
    first_ts SimpleAggregateFunction(min, DateTime64(3, 'UTC')),
    -- (ts, event_id, tz) of the latest event: a period's zone is its latest event's
    last SimpleAggregateFunction(max, Tuple(DateTime64(3, 'UTC'), String, String))
)
ENGINE = {{ m.engine('AggregatingMergeTree', 'daily_metrics') }}
PARTITION BY toYYYYMM(local_date)
ORDER BY (user_id, metric, local_date)
