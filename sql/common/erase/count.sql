{#- How many rows of `table_ident` erase/delete.sql would delete (it runs only when some). -#}
{% import '_dialect.sql' as d with context %}
SELECT count(*) AS n FROM {{ db }}.{{ table_ident }} WHERE {% include 'erase/_' ~ rows ~ '.sql' %}
