{% import '_dialect.sql' as d with context %}
SELECT count(*) AS n FROM {{ db }}.points_ledger WHERE seq = {{ d.u64('seq') }}
