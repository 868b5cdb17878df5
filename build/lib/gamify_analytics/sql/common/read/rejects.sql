SELECT kind, source, line, field, reason, raw
FROM {{ db }}.rejects{% if engine == 'clickhouse' %} FINAL{% endif %}

ORDER BY kind, source, line, field
LIMIT {{ p('limit', 'UInt64') }}
