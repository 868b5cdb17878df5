{#- Local dates that received contributions since the previous leaderboards run. -#}
{% import '_dialect.sql' as d with context %}
{% if source == 'metric' %}
SELECT DISTINCT local_date FROM {{ db }}.events
WHERE metric = {{ p('ref', 'String') }} AND ingested_at > {{ d.ts('since') }}
{% else %}
-- awards of events ingested since, and awards made since (the points job may lag the ingest)
SELECT DISTINCT local_date FROM {{ db }}.events WHERE ingested_at > {{ d.ts('since') }}
UNION DISTINCT
SELECT DISTINCT local_date FROM {{ db }}.points_ledger
WHERE system = {{ p('ref', 'String') }} AND seq > {{ d.u64('points_since') }}
{% endif %}
