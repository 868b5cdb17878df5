{#- DuckDB twin of sql/clickhouse/streaks/stored_totals.sql. -#}
WITH
{% include 'streaks/_stored_chains.sql' %},
{% include 'streaks/_judge.sql' %}
SELECT
    count(*) AS users,
    count(*) FILTER (WHERE has_chain AND alive AND t_ms < last_end_ms) AS active,
    count(*) FILTER (WHERE has_chain AND alive AND t_ms >= last_end_ms) AS at_risk,
    count(*) FILTER (WHERE has_chain AND NOT alive) AS broken,
    count(*) FILTER (WHERE NOT has_chain) AS none,
    CAST(coalesce(avg(length) FILTER (WHERE has_chain AND alive), 0) AS DOUBLE) AS avg_length,
    CAST(coalesce(max(length) FILTER (WHERE has_chain AND alive), 0) AS BIGINT) AS max_length,
    CAST(coalesce(max(longest), 0) AS BIGINT) AS longest_ever,
    CAST(coalesce(sum(freezes_used) FILTER (WHERE has_chain), 0) + coalesce(sum(k_t) FILTER (WHERE has_chain AND alive), 0) AS BIGINT) AS freezes_consumed
FROM judged
