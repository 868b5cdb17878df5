{% import '_dialect.sql' as d with context %}
SELECT achievement, count(*) AS n FROM {{ db }}.achievements {{ d.final() }} GROUP BY achievement
