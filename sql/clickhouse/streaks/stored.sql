{#- §5 outputs per user as of T, from the chains the streaks job stored. -#}
WITH
chains AS (
    SELECT user_id, has_chain, length, longest, balance, started, last_period, last_zone, last_end_ms, last_ord
    FROM {{ db }}.streak_chains FINAL
    WHERE streak = {{ p('streak', 'String') }}
    {% if filter_users %}AND user_id IN {{ p('users', 'Array(String)') }}{% endif %}
),
{% include 'streaks/_judge.sql' %},
{% include 'streaks/_state_select.sql' %}
