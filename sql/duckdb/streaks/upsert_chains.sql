{#- DuckDB twin of sql/clickhouse/streaks/upsert_chains.sql. -#}
{% set with_history = false %}
INSERT OR REPLACE INTO streak_chains
    (streak, user_id, has_chain, length, longest, balance, started, last_period, last_zone, last_start_ms, last_end_ms, last_ord, freezes_used, version)
SELECT $streak, user_id, has_chain, length, longest, balance, started, last_period, last_zone,
       last_start_ms, last_end_ms, last_ord, freezes_used, $version
FROM (
    WITH
    {% include 'streaks/_steps.sql' %},
    {% include 'streaks/_chains.sql' %}
    SELECT * FROM chains
)
