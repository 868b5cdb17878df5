{#- `chains`: the chains the streaks job stored, and the `zone_days` they are judged with. -#}
{% import '_filters.sql' as f with context %}
{% import '_dialect.sql' as d with context %}
chains AS (
    SELECT user_id, has_chain, length, longest, balance, started, last_period, last_zone, last_ord, freezes_used
    FROM {{ db }}.streak_chains {{ d.final() }}
    WHERE streak = {{ p('streak', 'String') }}
    {% if filter_users %}AND {{ d.in_list('user_id', 'users') }}{% endif %}
    {{ f.of_users('user_id') }}
),
{% include 'streaks/_zone_days.sql' %}
