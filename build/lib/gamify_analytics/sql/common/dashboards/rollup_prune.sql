{#- Builds of a dashboard older than the one just stored. -#}
{% import '_dialect.sql' as d with context %}
DELETE FROM {{ db }}.dashboard_rollups
WHERE dashboard = {{ p('dashboard', 'String') }} AND built < {{ d.u64('built') }}
