SELECT table_name, rows FROM (
    SELECT 'events' AS table_name, count(*) AS rows FROM {{ db }}.events
    UNION ALL SELECT 'users', count(DISTINCT user_id) FROM {{ db }}.users
    UNION ALL SELECT 'rejects', count(*) FROM (SELECT DISTINCT kind, source, line, field, reason FROM {{ db }}.rejects)
    UNION ALL SELECT 'daily_metrics', count(*) FROM (SELECT DISTINCT user_id, metric, local_date FROM {{ db }}.daily_metrics)
) AS c
ORDER BY table_name
