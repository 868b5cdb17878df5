{#- Contributions to a final run that arrived after it was finalized (counted, never applied). -#}
{% import '_dialect.sql' as d with context %}
{% if source == 'metric' %}
SELECT count(*) AS n FROM {{ db }}.events
WHERE metric = {{ p('ref', 'String') }} AND local_date >= {{ d.date('run_first') }} AND local_date <= {{ d.date('run_last') }}
  AND ingested_at > {{ d.ts('finalized_watermark') }}
{% else %}
SELECT count(*) AS n FROM {{ db }}.points_ledger
WHERE system = {{ p('ref', 'String') }} AND local_date >= {{ d.date('run_first') }} AND local_date <= {{ d.date('run_last') }}
  AND seq > {{ d.u64('points_seq') }}
{% endif %}
