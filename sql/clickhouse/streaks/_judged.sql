{#- The chain folded per user and judged as of T (shared by state and history). With
    `with_history`, the fold also keeps each step's length and frozen-period count. -#}
{% import 'streaks/_macros.sql' as s with context %}
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
                if(k < 0 OR k > acc.3, i, acc.4){% if with_history %},
                arrayPushBack(acc.5, {{ s.step_length('acc', 'k') }}),
                arrayPushBack(acc.6, if(k > 0 AND k <= acc.3, k, 0)){% endif %}

            ),
            arrayMap(x -> x.3, a), arrayEnumerate(a),
            (toInt64(0), toInt64(0), toInt64(0), toUInt32(0){% if with_history %}, emptyArrayInt64(), emptyArrayInt64(){% endif %})
        ) AS st,
        a,
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
)
