{#- What ClickHouse's daily_metrics_mv does on insert: fold the new batch into the per-user,
    per-metric, per-local-day aggregates. -#}
INSERT INTO daily_metrics
SELECT
    user_id,
    metric,
    local_date,
    sum(value) AS value_sum,
    count(*) AS events,
    min(ts) AS first_ts,
    max(ts) AS last_ts,
    arg_max(tz, (ts, event_id)) AS last_tz,
    arg_max(event_id, (ts, event_id)) AS last_event_id,
    max(ts) FILTER (WHERE value != 0) AS last_change
FROM _gamify_batch
GROUP BY user_id, metric, local_date
ON CONFLICT (user_id, metric, local_date) DO UPDATE SET
    value_sum = daily_metrics.value_sum + excluded.value_sum,
    events = daily_metrics.events + excluded.events,
    first_ts = least(daily_metrics.first_ts, excluded.first_ts),
    last_tz = CASE WHEN (excluded.last_ts, excluded.last_event_id) > (daily_metrics.last_ts, daily_metrics.last_event_id)
                   THEN excluded.last_tz ELSE daily_metrics.last_tz END,
    last_event_id = CASE WHEN (excluded.last_ts, excluded.last_event_id) > (daily_metrics.last_ts, daily_metrics.last_event_id)
                   THEN excluded.last_event_id ELSE daily_metrics.last_event_id END,
    last_ts = greatest(daily_metrics.last_ts, excluded.last_ts),
    last_change = greatest(daily_metrics.last_change, excluded.last_change)
