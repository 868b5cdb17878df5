{#- DuckDB twin of sql/clickhouse/streaks/_stored_chains.sql: the chains the streaks job stored, and the tz_days window they need. -#}
{% import 'streaks/_macros.sql' as s with context %}
{% import '_filters.sql' as f with context %}
chains AS (
    SELECT user_id, has_chain, length, longest, balance, started, last_period, last_zone, last_end_ms, last_ord, freezes_used
    FROM streak_chains
    WHERE streak = $streak
    {% if filter_users %}AND list_contains($users, user_id){% endif %}
    {{ f.of_users('user_id') }}
),
zone_days AS MATERIALIZED (
    SELECT tz, day, start_ms, ordinal, exists FROM tz_days
    WHERE day >= (SELECT min(local_date) FROM daily_metrics) - 32
      AND day <= greatest((SELECT max(local_date) FROM daily_metrics), CAST({{ s.as_of() }} AS DATE)) + CAST($lookahead_days AS INTEGER)
)
