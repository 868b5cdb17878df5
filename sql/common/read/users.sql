{% import '_dialect.sql' as d with context %}
SELECT user_id, tz, created_at, attributes
FROM {{ db }}.users {{ d.final() }}
ORDER BY user_id
