{#- The local dates that hold contributions to a board, from `since_date` on. -#}
{% import '_dialect.sql' as d with context %}
{% if source == 'metric' %}
SELECT DISTINCT local_date FROM {{ db }}.daily_metrics
WHERE metric = {{ p('ref', 'String') }} AND local_date >= {{ d.date('since_date') }} AND local_date <= {{ d.date('until_date') }}
{% else %}
SELECT DISTINCT local_date FROM {{ db }}.points_ledger
WHERE system = {{ p('ref', 'String') }} AND local_date >= {{ d.date('since_date') }} AND local_date <= {{ d.date('until_date') }}
{% endif %}
