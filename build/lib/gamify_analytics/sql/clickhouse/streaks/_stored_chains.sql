{#- the chains the streaks job stored, and the tz_days window they need. -#}
{% import 'streaks/_macros.sql' as s with context %}
{% import '_filters.sql' as f with context %}
chains AS (
    SELECT user_id, has_chain, length, longest, balance, started, last_period, last_zone, last_end_ms, last_ord, freezes_used
    FROM {{ db }}.streak_chains FINAL
    WHERE streak = {{ p('streak', 'String') }}
    {% if filter_users %}AND user_id IN {{ p('users', 'Array(String)') }}{% endif %}
    {{ f.of_users('user_id') }}
),
zone_days AS MATERIALIZED (
    SELECT tz, day, start_ms, ordinal, exists FROM {{ db }}.tz_days
    WHERE day >= (SELECT min(local_date) FROM {{ db }}.daily_metrics) - 32
      AND day <= greatest((SELECT max(local_date) FROM {{ db }}.daily_metrics), toDate({{ s.as_of() }})) + {{ p('lookahead_days', 'Int32') }}
)
