{#- Forget claims older than `before` (ClickHouse expires them with the table's TTL). -#}
{% import '_dialect.sql' as d with context %}
DELETE FROM {{ db }}.job_locks WHERE claimed_at < {{ d.ts('before') }}
