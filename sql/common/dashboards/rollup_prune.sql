{#- Builds of a dashboard older than the one just stored. Reads take the newest build only, so
    the rows may go in the background (a lightweight delete on ClickHouse waited up to 0.6 s). -#}
{% import '_dialect.sql' as d with context %}
DELETE FROM {{ db }}.dashboard_rollups
WHERE dashboard = {{ p('dashboard', 'String') }} AND built < {{ d.u64('built') }}
{{ d.in_background() }}
