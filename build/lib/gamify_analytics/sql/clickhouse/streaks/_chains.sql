{#- The chain folded per user (docs/streaks.md), for every user with an event up to T. With
    `with_history`, the fold also keeps each step's length and frozen-period count. -#}
{% import 'streaks/_macros.sql' as s with context %}
{% macro fold(ks) -%}
arrayFold(
            (acc, k, i) -> (
                {{ s.step_length('acc', 'k') }},
                greatest(acc.2, {{ s.step_length('acc', 'k') }}),
                least({{ p('max_freezes', 'Int64') }}, {{ s.step_balance('acc', 'k') }} + {{ s.earned(s.step_length('acc', 'k')) }}),
                if(k < 0 OR k > acc.3, i, acc.4),
                acc.5 + if(k > 0 AND k <= acc.3, k, 0){% if with_history %},
                arrayPushBack(acc.6, {{ s.step_length('acc', 'k') }}),
                arrayPushBack(acc.7, if(k > 0 AND k <= acc.3, k, 0)){% endif %}

            ),
            {{ ks }}, arrayEnumerate({{ ks }}),
            {% if seeded %}(sd.length, sd.longest, sd.balance, toUInt32(0), sd.freezes_used)
            {% else %}(toInt64(0), toInt64(0), toInt64(0), toUInt32(0), toInt64(0){% if with_history %}, emptyArrayInt64(), emptyArrayInt64(){% endif %}){% endif %}

        )
{%- endmacro %}
arrays AS (
    SELECT user_id, arraySort(groupArray((start_ms, pkey, k, zone, end_ms, ord))) AS a
    FROM steps
    WHERE NOT is_seed
    GROUP BY user_id
),
folded AS (
    SELECT
        user_id,
        a,
        {{ fold('arrayMap(x -> x.3, a)') }} AS st{% if with_previous %},
        -- the state before the last period, so a later run can redo that period alone
        {{ fold('arrayPopBack(arrayMap(x -> x.3, a))') }} AS pst{% endif %}{% if seeded %},
        sd.started AS seed_started,
        sd.last_period AS seed_period,
        sd.last_zone AS seed_zone,
        sd.last_start_ms AS seed_start_ms,
        sd.last_end_ms AS seed_end_ms,
        sd.last_ord AS seed_ord{% endif %}

    FROM arrays
    {% if seeded %}INNER JOIN seeds AS sd ON sd.user_id = arrays.user_id{% endif %}
),
chains AS MATERIALIZED (
    SELECT
        {{ 'f' if seeded else 'u' }}.user_id AS user_id,
        f.user_id != '' AS has_chain,
        f.st.1 AS length,
        f.st.2 AS longest,
        f.st.3 AS balance,
        {% if seeded %}if(f.st.4 = 0, f.seed_started, f.a[f.st.4].2){% else %}f.a[f.st.4].2{% endif %} AS started,
        f.a[-1].2 AS last_period,
        f.a[-1].4 AS last_zone,
        f.a[-1].1 AS last_start_ms,
        f.a[-1].5 AS last_end_ms,
        f.a[-1].6 AS last_ord,
        f.st.5 AS freezes_used{% if with_previous %},
        {% if seeded %}true{% else %}length(f.a) >= 2{% endif %} AS has_prev,
        f.pst.1 AS prev_length,
        f.pst.2 AS prev_longest,
        f.pst.3 AS prev_balance,
        {% if seeded %}if(f.pst.4 = 0, f.seed_started, f.a[f.pst.4].2){% else %}f.a[f.pst.4].2{% endif %} AS prev_started,
        f.pst.5 AS prev_freezes_used,
        {% if seeded %}if(length(f.a) >= 2, f.a[-2], (f.seed_start_ms, f.seed_period, toInt64(0), toString(f.seed_zone), f.seed_end_ms, f.seed_ord)){% else %}f.a[-2]{% endif %} AS prev,
        prev.2 AS prev_period,
        prev.4 AS prev_zone,
        prev.1 AS prev_start_ms,
        prev.5 AS prev_end_ms,
        prev.6 AS prev_ord{% endif %}{% if with_history %},
        f.a AS a,
        f.st.6 AS lens,
        f.st.7 AS used{% endif %}

    {% if seeded %}
    FROM folded AS f
    {% else %}
    -- every user with an event up to T (from days: materializing periods would hold them all)
    FROM (SELECT DISTINCT user_id FROM days) AS u
    LEFT JOIN folded AS f ON f.user_id = u.user_id
    {% endif %}
)
