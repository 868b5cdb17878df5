DELETE FROM {{ db }}.points_ledger WHERE system = {{ p('system', 'String') }}
