{#- The first local date of the events ingested after `since` (NULL: none), whose per-day rows a
    dashboard build recomputes. -#}
{% import '_dialect.sql' as d with context %}
SELECT min(local_date) AS first_day FROM {{ db }}.events WHERE ingested_at > {{ d.ts('since') }}
HAVING count(*) > 0
