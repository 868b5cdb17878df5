{#- Which of the users had a score in a final run when it was finalized: their contributions
    from events ingested by the watermark recorded then (later ones were late, docs/leaderboards.md),
    up to its as-of. -#}
{% import '_dialect.sql' as d with context %}
{% if source == 'metric' %}
SELECT user_id FROM {{ db }}.events
WHERE metric = {{ p('ref', 'String') }} AND local_date >= {{ d.date('run_first') }} AND local_date <= {{ d.date('run_last') }}
  AND ts <= {{ d.ts('as_of') }} AND ingested_at <= {{ d.ts('finalized_watermark') }}
  AND {{ d.in_list('user_id', 'ids') }}
GROUP BY user_id
HAVING sum(value) != 0
{% else %}
SELECT user_id FROM {{ db }}.points_ledger
WHERE system = {{ p('ref', 'String') }} AND local_date >= {{ d.date('run_first') }} AND local_date <= {{ d.date('run_last') }}
  AND ts <= {{ d.ts('as_of') }} AND seq <= {{ d.u64('committed') }}
  AND {{ d.in_list('user_id', 'ids') }}
  AND (user_id, event_id) IN (
      SELECT user_id, event_id FROM {{ db }}.events
      WHERE local_date >= {{ d.date('run_first') }} AND local_date <= {{ d.date('run_last') }}
        AND ingested_at <= {{ d.ts('finalized_watermark') }} AND {{ d.in_list('user_id', 'ids') }}
  )
GROUP BY user_id
HAVING sum(points) != 0
{% endif %}
