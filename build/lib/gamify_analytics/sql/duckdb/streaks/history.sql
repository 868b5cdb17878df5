{#- DuckDB twin of sql/clickhouse/streaks/history.sql. -#}
{% import 'streaks/_macros.sql' as s with context %}
{% set with_history = true %}
{% set with_previous = false %}
WITH
{% include 'streaks/_steps.sql' %},
{% include 'streaks/_chains.sql' %},
{% include 'streaks/_judge.sql' %},
-- frozen periods: the n periods that follow a period (the last one as of T)
frozen AS (
    SELECT user_id, prev.pkey AS prev_key, prev.zone AS prev_zone, prev.ord AS prev_ord, n, length
    FROM (
        SELECT user_id, a[i - 1] AS prev, used[i] AS n, lens[i - 1] AS length
        FROM (SELECT *, unnest(range(1, len(a) + 1)) AS i FROM judged WHERE has_chain)
        WHERE i > 1 AND used[i] > 0
        UNION ALL
        SELECT user_id, a[-1] AS prev, k_t AS n, length FROM judged WHERE has_chain AND alive AND k_t > 0
    )
),
frozen_keys AS (
    SELECT f.user_id, {% if frequency == 'daily' %}d.day{% else %}{{ s.add('f.prev_key', 'f.j') }}{% endif %} AS period, f.length
    FROM (SELECT *, unnest(range(1, n + 1)) AS j FROM frozen) AS f
    {% if frequency == 'daily' %}
    JOIN (SELECT tz, ordinal, day FROM zone_days WHERE exists) AS d
        ON d.tz = f.prev_zone AND d.ordinal = f.prev_ord + f.j
    {% endif %}
)
SELECT user_id, $streak AS streak, period, qualified, used_freeze, length
FROM (
    SELECT user_id, a[i].pkey AS period, true AS qualified, false AS used_freeze, lens[i] AS length
    FROM (SELECT *, unnest(range(1, len(a) + 1)) AS i FROM chains WHERE has_chain)
    UNION ALL
    SELECT user_id, period, false, true, length FROM frozen_keys
)
ORDER BY user_id, period
