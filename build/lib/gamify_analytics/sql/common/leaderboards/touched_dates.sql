{#- Local dates that received contributions since the previous leaderboards run. -#}
{% import '_dialect.sql' as d with context %}
{% if source == 'metric' %}
SELECT DISTINCT local_date FROM {{ db }}.events
WHERE metric = {{ p('ref', 'String') }} AND ingested_at > {{ d.ts('since') }}
{% else %}
SELECT DISTINCT local_date FROM {{ db }}.points_ledger
WHERE system = {{ p('ref', 'String') }} AND seq > {{ d.u64('points_since') }}
{% endif %}
