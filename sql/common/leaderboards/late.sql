{#- Contributions to a final run whose events arrived after it was finalized (counted, never
    applied): events ingested after the watermark recorded at finalization, or the awards they
    earned. -#}
{% import '_dialect.sql' as d with context %}
{% if source == 'metric' %}
SELECT count(*) AS n FROM {{ db }}.events
WHERE metric = {{ p('ref', 'String') }} AND local_date >= {{ d.date('run_first') }} AND local_date <= {{ d.date('run_last') }}
  AND ingested_at > {{ d.ts('finalized_watermark') }}
{% else %}
-- awards earned by events that arrived late: the same count whatever rewrote the ledger since
SELECT count(*) AS n FROM {{ db }}.points_ledger
WHERE system = {{ p('ref', 'String') }} AND local_date >= {{ d.date('run_first') }} AND local_date <= {{ d.date('run_last') }}
  AND seq <= {{ d.u64('committed') }}
  AND (user_id, event_id) IN (
      SELECT user_id, event_id FROM {{ db }}.events
      WHERE local_date >= {{ d.date('run_first') }} AND local_date <= {{ d.date('run_last') }}
        AND ingested_at > {{ d.ts('finalized_watermark') }}
  )
{% endif %}
