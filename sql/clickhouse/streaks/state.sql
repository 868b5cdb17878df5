{#- §5 outputs per user as of T: the chain folded per user with arrayFold. -#}
{% import 'streaks/_macros.sql' as s with context %}
WITH
{% include 'streaks/_steps.sql' %},
arrays AS (
    SELECT user_id, arraySort(groupArray((start_ms, pkey, k, zone, end_ms, ord))) AS a
    FROM steps
    GROUP BY user_id
),
folded AS (
    SELECT
        user_id,
        arrayFold(
            (acc, k, i) -> (
                {{ s.step_length('acc', 'k') }},
                greatest(acc.2, {{ s.step_length('acc', 'k') }}),
                least({{ p('max_freezes', 'Int64') }}, {{ s.step_balance('acc', 'k') }} + {{ s.earned(s.step_length('acc', 'k')) }}),
                if(k < 0 OR k > acc.3, i, acc.4)
            ),
            arrayMap(x -> x.3, a), arrayEnumerate(a), (toInt64(0), toInt64(0), toInt64(0), toUInt32(0))
        ) AS st,
        a[st.4].2 AS started,
        a[-1].2 AS last_key,
        a[-1].4 AS last_zone,
        a[-1].5 AS last_end,
        a[-1].6 AS last_ord,
        {{ s.as_of_ms() }} AS t_ms
    FROM arrays
),
current AS (
    SELECT f.*, {{ s.key(s.day_of('f.t_ms', 'z.offset_s')) }} AS ct_key
    FROM folded AS f
    ASOF LEFT JOIN {{ db }}.tz_offsets AS z ON z.tz = f.last_zone AND z.from_ms <= f.t_ms
),
judged AS (
    SELECT c.*,
           greatest(0, {{ s.ord('c.ct_key', 'd.ordinal') }} - c.last_ord - 1) AS k_t,
           k_t <= c.st.3 AS alive
    FROM current AS c
    {% if frequency == 'daily' %}INNER JOIN {{ db }}.tz_days AS d ON d.tz = c.last_zone AND d.day = c.ct_key{% endif %}
),
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
