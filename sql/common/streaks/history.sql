{#- Streak per-period history: each qualifying period, and each period a freeze bridged
    (docs/streaks.md "History"). -#}
{% import 'streaks/_macros.sql' as s with context %}
{% set with_history = true %}
{% set with_previous = false %}
WITH
{% include 'streaks/_steps.sql' %},
{% include 'streaks/_chains.sql' %},
{% include 'streaks/_judge.sql' %},
steps_of AS (
    SELECT user_id, ords, pkeys, zones, lens, used, {{ s.each_index('ords') }} AS i FROM judged WHERE has_chain
),
-- frozen periods: the n periods that follow a period (the last one, as of T)
frozen AS (
    SELECT user_id, pkeys[i - 1] AS prev_key, zones[i - 1] AS prev_zone, ords[i - 1] AS prev_ord,
           used[i] AS n, lens[i - 1] AS length
    FROM steps_of WHERE i > 1 AND used[i] > 0
    UNION ALL
    SELECT user_id, last_period, last_zone, last_ord, k_t, length
    FROM judged WHERE has_chain AND alive AND k_t > 0
),
frozen_each AS (
    SELECT user_id, prev_key, prev_zone, prev_ord, length, {{ s.each(s.range1('n')) }} AS j FROM frozen
),
frozen_keys AS (
    SELECT f.user_id AS user_id, {% if frequency == 'daily' %}x.day{% else %}{{ s.add('f.prev_key', 'f.j') }}{% endif %} AS period, f.length AS length
    FROM frozen_each AS f
    {% if frequency == 'daily' %}
    INNER JOIN (SELECT tz, day, {{ s.int('ordinal') }} + {{ s.int(p('ord_base', 'Int64')) }} AS ord FROM zone_days WHERE exists) AS x
        ON x.tz = f.prev_zone AND x.ord = f.prev_ord + f.j
    {% endif %}
)
SELECT user_id, {{ p('streak', 'String') }} AS streak, period, qualified, used_freeze, length
FROM (
    SELECT user_id, pkeys[i] AS period, true AS qualified, false AS used_freeze, lens[i] AS length FROM steps_of
    UNION ALL
    SELECT user_id, period, false AS qualified, true AS used_freeze, length FROM frozen_keys
) AS h
ORDER BY user_id, period
