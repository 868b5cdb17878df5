{#- DuckDB twin of sql/clickhouse/schema/021_daily_last_change.sql (merge_daily keeps it). -#}
ALTER TABLE daily_metrics ADD COLUMN IF NOT EXISTS last_change TIMESTAMP
;
UPDATE daily_metrics AS d SET last_change = e.last_change
FROM (
    SELECT user_id, metric, local_date, max(ts) AS last_change FROM events WHERE value != 0
    GROUP BY user_id, metric, local_date
) AS e
WHERE e.user_id = d.user_id AND e.metric = d.metric AND e.local_date = d.local_date
