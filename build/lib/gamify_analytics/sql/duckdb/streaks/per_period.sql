{#- DuckDB twin of sql/clickhouse/streaks/per_period.sql. -#}
{% set with_history = false %}
{% set with_previous = false %}
WITH
{% include 'streaks/_steps.sql' %}
SELECT pkey AS period, CAST(count(*) AS BIGINT) AS qualified_users FROM steps GROUP BY pkey ORDER BY pkey
