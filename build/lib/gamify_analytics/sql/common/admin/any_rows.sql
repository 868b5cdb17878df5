SELECT 1 AS found FROM {{ db }}.{{ table_ident }} WHERE {{ column_ident }} = {{ p('value', value_type) }} LIMIT 1
