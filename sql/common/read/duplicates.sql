{% import '_dialect.sql' as d with context %}
SELECT source, line, user_id, metric, event_id
FROM {{ db }}.duplicates {{ d.final() }}
ORDER BY source, line
LIMIT {{ p('limit', 'UInt64') }}
