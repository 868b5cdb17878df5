{#- DuckDB twin of sql/clickhouse/streaks/stored_lengths.sql. -#}
WITH
{% include 'streaks/_stored_chains.sql' %},
{% include 'streaks/_judge.sql' %}
SELECT CAST(length AS BIGINT) AS length, CAST(count(*) AS BIGINT) AS users FROM judged WHERE has_chain AND alive GROUP BY length ORDER BY length
