SELECT user_id, metric, event_id, value, ts, tz, local_date, attributes
FROM {{ db }}.events
ORDER BY user_id, metric, event_id
