{#- DuckDB twin of sql/clickhouse/streaks/stored.sql. -#}
WITH
chains AS (
    SELECT user_id, has_chain, length, longest, balance, started, last_period, last_zone, last_end_ms, last_ord
    FROM streak_chains
    WHERE streak = $streak
    {% if filter_users %}AND list_contains($users, user_id){% endif %}
),
{% include 'streaks/_judge.sql' %},
{% include 'streaks/_state_select.sql' %}
