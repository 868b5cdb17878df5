{#- The local dates on which the users contributed to a board (its metric, or its points
    system's awards). -#}
{% import '_dialect.sql' as d with context %}
{% if source == 'metric' %}
SELECT DISTINCT local_date FROM {{ db }}.daily_metrics
WHERE metric = {{ p('ref', 'String') }} AND {{ d.in_list('user_id', 'ids') }}
{% else %}
SELECT DISTINCT local_date FROM {{ db }}.points_ledger
WHERE system = {{ p('ref', 'String') }} AND {{ d.in_list('user_id', 'ids') }}
{% endif %}
