{% import '_dialect.sql' as d with context %}
SELECT count(*) AS n FROM {{ db }}.achievements WHERE seq = {{ d.u64('seq') }}
