DELETE FROM {{ db }}.progress WHERE scope = {{ p('scope', 'String') }}
