{#- Which of some users have events ingested after an instant (new to the last job run). -#}
{% import '_dialect.sql' as d with context %}
SELECT DISTINCT user_id
FROM {{ db }}.events
WHERE ingested_at > {{ d.ts('since') }} AND {{ d.has(d.strs('users'), 'user_id') }}
