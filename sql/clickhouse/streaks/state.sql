{#- §5 outputs per user as of T: the chain folded per user with arrayFold. -#}
{% import 'streaks/_macros.sql' as s with context %}
{% set with_history = false %}
WITH
{% include 'streaks/_steps.sql' %},
{% include 'streaks/_judged.sql' %},
result AS (
    SELECT j.*, x.start_ms AS expires_ms
    FROM judged AS j
    {% if frequency == 'daily' %}
    LEFT JOIN (
        SELECT tz, ordinal, min(start_ms) AS start_ms FROM {{ db }}.tz_days
        WHERE tz IN (SELECT last_zone FROM judged) GROUP BY tz, ordinal
    ) AS x ON x.tz = j.last_zone AND x.ordinal = j.last_ord + j.st.3 + 2
    {% else %}
    LEFT JOIN {{ db }}.tz_days AS x ON x.tz = j.last_zone AND x.day = {{ s.add('j.last_key', 'toInt32(j.st.3 + 2)') }}
    {% endif %}
)
SELECT
    u.user_id AS user_id,
    {{ p('streak', 'String') }} AS streak,
    toInt64(if(r.user_id != '' AND r.alive, r.st.1, 0)) AS length,
    toInt64(if(r.user_id != '', r.st.2, 0)) AS longest,
    if(r.user_id != '' AND r.alive, r.started, NULL) AS started,
    if(r.user_id != '', r.last_key, NULL) AS last_period,
    toInt64(multiIf(r.user_id = '', least({{ p('initial', 'Int64') }}, {{ p('max_freezes', 'Int64') }}), r.alive, r.st.3 - r.k_t, 0)) AS freezes_left,
    multiIf(r.user_id = '', 'none', NOT r.alive, 'broken', r.t_ms < r.last_end, 'active', 'at_risk') AS status,
    if(r.user_id != '' AND r.alive, fromUnixTimestamp64Milli(r.expires_ms, 'UTC'), NULL) AS expires_at
FROM (SELECT DISTINCT user_id FROM periods) AS u
LEFT JOIN result AS r ON r.user_id = u.user_id
ORDER BY user_id
