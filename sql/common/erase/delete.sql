{#- Delete the rows of `table_ident` that `rows` names (erase/_<rows>.sql: the users' rows, a
    run's rows, ...). ClickHouse's twin waits for the mutation. -#}
{% import '_dialect.sql' as d with context %}
DELETE FROM {{ db }}.{{ table_ident }} WHERE {% include 'erase/_' ~ rows ~ '.sql' %}
