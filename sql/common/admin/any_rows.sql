SELECT 1 AS found FROM {{ db }}.{{ table_ident }} WHERE {{ column_ident }} = {{ p('value', 'String') }} LIMIT 1
