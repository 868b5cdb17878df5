{#- Streak outputs per user from `judged`; expires_at is the start of the period F + 2 after
    the last qualifying one (the end of the (F+1)-th missed period). -#}
{% import 'streaks/_macros.sql' as s with context %}
result AS (
    SELECT j.*, x.start_ms AS expires_ms
    FROM judged AS j
    {% if frequency == 'daily' %}
    LEFT JOIN (SELECT tz, {{ s.int('ordinal') }} + {{ s.int(p('ord_base', 'Int64')) }} AS ord, start_ms FROM zone_days WHERE exists) AS x
        ON x.tz = j.last_zone AND x.ord = j.last_ord + j.balance + 2
    {% else %}
    LEFT JOIN zone_days AS x ON x.tz = j.last_zone AND x.day = {{ s.add('j.last_period', 'j.balance + 2') }}
    {% endif %}
)
SELECT
    r.user_id AS user_id,
    {{ p('streak', 'String') }} AS streak,
    {{ s.int('CASE WHEN r.has_chain AND r.alive THEN r.length ELSE 0 END') }} AS length,
    {{ s.int('CASE WHEN r.has_chain THEN r.longest ELSE 0 END') }} AS longest,
    CASE WHEN r.has_chain AND r.alive THEN r.started END AS started,
    CASE WHEN r.has_chain THEN r.last_period END AS last_period,
    {{ s.int('CASE WHEN NOT r.has_chain THEN least(' ~ p('initial', 'Int64') ~ ', ' ~ p('max_freezes', 'Int64') ~ ') WHEN r.alive THEN r.balance - r.k_t ELSE 0 END') }} AS freezes_left,
    CASE WHEN NOT r.has_chain THEN 'none' WHEN NOT r.alive THEN 'broken' WHEN r.in_last THEN 'active' ELSE 'at_risk' END AS status,
    CASE WHEN r.has_chain AND r.alive THEN {{ s.ms_to_ts('r.expires_ms') }} END AS expires_at
FROM result AS r
ORDER BY user_id
