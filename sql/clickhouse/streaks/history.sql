{#- Streak per-period history: each qualifying period, and each period a freeze bridged (docs/streaks.md). -#}
{% import 'streaks/_macros.sql' as s with context %}
{% set with_history = true %}
{% set with_previous = false %}
WITH
{% include 'streaks/_steps.sql' %},
{% include 'streaks/_chains.sql' %},
{% include 'streaks/_judge.sql' %},
-- frozen periods: the n periods that follow period `i` (0 = as of T after the last one)
frozen AS (
    SELECT user_id, prev.2 AS prev_key, prev.4 AS prev_zone, prev.6 AS prev_ord, n, length
    FROM (
        SELECT user_id, a[i - 1] AS prev, used[i] AS n, lens[i - 1] AS length
        FROM judged ARRAY JOIN arrayEnumerate(a) AS i
        WHERE has_chain AND i > 1 AND used[i] > 0
        UNION ALL
        SELECT user_id, a[-1] AS prev, k_t AS n, length FROM judged WHERE has_chain AND alive AND k_t > 0
    )
),
frozen_keys AS (
    SELECT f.user_id AS user_id, {% if frequency == 'daily' %}d.day{% else %}{{ s.add('f.prev_key', 'toInt32(f.j)') }}{% endif %} AS period, f.length AS length
    FROM (SELECT *, arrayJoin(range(1, toUInt64(n) + 1)) AS j FROM frozen) AS f
    {% if frequency == 'daily' %}
    INNER JOIN (SELECT tz, ordinal, day FROM zone_days WHERE exists) AS d
        ON d.tz = f.prev_zone AND d.ordinal = f.prev_ord + f.j
    {% endif %}
)
SELECT user_id, {{ p('streak', 'String') }} AS streak, period, qualified, used_freeze, length
FROM (
    SELECT user_id, a[i].2 AS period, true AS qualified, false AS used_freeze, lens[i] AS length
    FROM chains ARRAY JOIN arrayEnumerate(a) AS i
    WHERE has_chain
    UNION ALL
    SELECT user_id, period, false AS qualified, true AS used_freeze, length FROM frozen_keys
)
ORDER BY user_id, period
