{% import '_dialect.sql' as d with context %}
SELECT kind, source, line, field, reason, raw
FROM {{ db }}.rejects {{ d.final() }}
ORDER BY kind, source, line, field
LIMIT {{ p('limit', 'UInt64') }}
