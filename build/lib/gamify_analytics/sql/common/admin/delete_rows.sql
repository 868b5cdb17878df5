DELETE FROM {{ db }}.{{ table_ident }} WHERE {{ column_ident }} = {{ p('value', value_type) }}
