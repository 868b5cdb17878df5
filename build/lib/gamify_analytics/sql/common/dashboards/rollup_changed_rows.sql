{#- The first local date of a job's rows numbered after run `seq` (no row: none), whose per-day
    rows a dashboard build recomputes. -#}
{% import '_dialect.sql' as d with context %}
SELECT min(local_date) AS first_day FROM {{ db }}.{{ table_ident }} WHERE seq > {{ d.u64('seq') }}
HAVING count(*) > 0
