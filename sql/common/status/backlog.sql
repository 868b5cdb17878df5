{#- Events ingested after a watermark (a job's backlog): how many, and the oldest. -#}
{% import '_dialect.sql' as d with context %}
SELECT count(*) AS events, min(ingested_at) AS oldest
FROM {{ db }}.events
WHERE ingested_at > {{ d.ts('since') }}
