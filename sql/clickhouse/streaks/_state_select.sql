{#- Streak outputs per user from `chains` and `judged`; expires_at is the end of the (F+1)-th
    period after the last qualifying one. -#}
{% import 'streaks/_macros.sql' as s with context %}
result AS (
    SELECT j.*, x.start_ms AS expires_ms
    FROM judged AS j
    {% if frequency == 'daily' %}
    LEFT JOIN (SELECT tz, ordinal, start_ms FROM zone_days WHERE exists) AS x
        ON x.tz = j.last_zone AND x.ordinal = j.last_ord + j.balance + 2
    {% else %}
    LEFT JOIN zone_days AS x ON x.tz = j.last_zone AND x.day = {{ s.add('j.last_period', 'toInt32(j.balance + 2)') }}
    {% endif %}
)
SELECT
    r.user_id AS user_id,
    {{ p('streak', 'String') }} AS streak,
    toInt64(if(r.has_chain AND r.alive, r.length, 0)) AS length,
    toInt64(if(r.has_chain, r.longest, 0)) AS longest,
    if(r.has_chain AND r.alive, r.started, NULL) AS started,
    if(r.has_chain, r.last_period, NULL) AS last_period,
    toInt64(multiIf(NOT r.has_chain, least({{ p('initial', 'Int64') }}, {{ p('max_freezes', 'Int64') }}), r.alive, r.balance - r.k_t, 0)) AS freezes_left,
    multiIf(NOT r.has_chain, 'none', NOT r.alive, 'broken', r.t_ms < r.last_end_ms, 'active', 'at_risk') AS status,
    if(r.has_chain AND r.alive, fromUnixTimestamp64Milli(r.expires_ms, 'UTC'), NULL) AS expires_at
FROM result AS r
ORDER BY user_id
