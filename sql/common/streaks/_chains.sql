{#- The chain, folded once per user over its list of k (docs/streaks.md "The chain"), for every
    user with an event up to T (`chains`). The accumulator carries the state after each period
    and, with `with_previous`, the state before the last one (so the streaks job can redo that
    period alone); with `with_history`, each step's length and frozen periods. -#}
{% import 'streaks/_macros.sql' as s with context %}
{#- x: the period's k; `started`: the index (in the user's lists) of the chain's first period,
    0 for the seed's stored start; `i`: the index of the period folded -#}
{% set steps = s.int('CASE WHEN x < 0 THEN 1 WHEN x <= acc.bal THEN acc.len + 1 ELSE 1 END') %}
{% set balance = s.int('CASE WHEN x < 0 THEN least(' ~ p('initial', 'Int64') ~ ', ' ~ p('max_freezes', 'Int64') ~ ') WHEN x <= acc.bal THEN acc.bal - x ELSE 0 END') %}
{% set earned = 'CASE WHEN ' ~ p('earn_every', 'Int64') ~ ' > 0 AND ' ~ steps ~ ' % greatest(' ~ p('earn_every', 'Int64') ~ ', 1) = 0 THEN ' ~ p('earn_amount', 'Int64') ~ ' ELSE 0 END' %}
{% set frozen = s.int('CASE WHEN x > 0 AND x <= acc.bal THEN x ELSE 0 END') %}
{% set restarts = 'x < 0 OR x > acc.bal' %}
{% set acc = [
    ('len', 'Int64', steps),
    ('longest', 'Int64', 'greatest(acc.longest, ' ~ steps ~ ')'),
    ('bal', 'Int64', s.int('least(' ~ p('max_freezes', 'Int64') ~ ', ' ~ balance ~ ' + ' ~ earned ~ ')')),
    ('started', 'Int64', 'CASE WHEN ' ~ restarts ~ ' THEN acc.i + 1 ELSE acc.started END'),
    ('frozen', 'Int64', 'acc.frozen + ' ~ frozen),
    ('i', 'Int64', 'acc.i + 1'),
] %}
{% if with_previous %}
{% set acc = acc + [
    ('p_len', 'Int64', 'acc.len'), ('p_longest', 'Int64', 'acc.longest'), ('p_bal', 'Int64', 'acc.bal'),
    ('p_started', 'Int64', 'acc.started'), ('p_frozen', 'Int64', 'acc.frozen'),
] %}
{% endif %}
{% if with_history %}
{% set acc = acc + [('lens', 'Array(Int64)', s.push('acc.lens', steps)), ('used', 'Array(Int64)', s.push('acc.used', frozen))] %}
{% endif %}
{#- the state before the first period: zero, or the seed's (whose list index is 1) -#}
{% set zero = "CAST('1970-01-01' AS DATE)" %}
{% set s0 = s.int(0) %}
{% if seeded %}
{% set init = [('len', 'Int64', 'sd.length'), ('longest', 'Int64', 'sd.longest'), ('bal', 'Int64', 'sd.balance'), ('started', 'Int64', s0), ('frozen', 'Int64', 'sd.freezes_used'), ('i', 'Int64', s.int(1))] %}
{% else %}
{% set init = [('len', 'Int64', s0), ('longest', 'Int64', s0), ('bal', 'Int64', s0), ('started', 'Int64', s0), ('frozen', 'Int64', s0), ('i', 'Int64', s0)] %}
{% endif %}
{% if with_previous %}
{% set init = init + [('p_len', 'Int64', s0), ('p_longest', 'Int64', s0), ('p_bal', 'Int64', s0), ('p_started', 'Int64', s0), ('p_frozen', 'Int64', s0)] %}
{% endif %}
{% if with_history %}
{% set init = init + [('lens', 'Array(Int64)', s.empty_ints()), ('used', 'Array(Int64)', s.empty_ints())] %}
{% endif %}
{#- a start index as a date: 0 is the seed's stored start (or none) -#}
{% macro start_date(index) %}CASE WHEN {{ index }} = 0 THEN f.seed_started ELSE f.pkeys[{{ index }}] END{% endmacro %}
folded AS (
    SELECT ar.user_id AS user_id, ar.ords AS ords, ar.pkeys AS pkeys, ar.last_zone AS last_zone,
           ar.prev_zone AS prev_zone{% if with_history %}, ar.zones AS zones{% endif %},
           {{ 'sd.started' if seeded else zero }} AS seed_started,
           {{ s.fold(acc, init, s.tail('ar.ks') if seeded else 'ar.ks') }} AS st
    FROM arrays AS ar
    {% if seeded %}
    INNER JOIN seeds AS sd ON sd.user_id = ar.user_id
    -- a user with no new qualifying period keeps the stored chain as it is
    WHERE {{ s.len('ar.ks') }} >= 2
    {% endif %}
),
chains AS MATERIALIZED (
    SELECT
        {{ 'f' if seeded else 'u' }}.user_id AS user_id,
        f.user_id IS NOT NULL AND f.user_id != '' AS has_chain,
        f.st.len AS length,
        f.st.longest AS longest,
        f.st.bal AS balance,
        {{ start_date('f.st.started') }} AS started,
        f.pkeys[-1] AS last_period,
        f.last_zone AS last_zone,
        f.ords[-1] AS last_ord,
        f.st.frozen AS freezes_used{% if with_previous %},
        {% if seeded %}true{% else %}{{ s.len('f.ords') }} >= 2{% endif %} AS has_prev,
        f.st.p_len AS prev_length,
        f.st.p_longest AS prev_longest,
        f.st.p_bal AS prev_balance,
        {{ start_date('f.st.p_started') }} AS prev_started,
        f.st.p_frozen AS prev_freezes_used,
        f.pkeys[-2] AS prev_period,
        f.prev_zone AS prev_zone,
        f.ords[-2] AS prev_ord{% endif %}{% if with_history %},
        f.ords AS ords,
        f.pkeys AS pkeys,
        f.zones AS zones,
        f.st.lens AS lens,
        f.st.used AS used{% endif %}

    {% if seeded %}
    FROM folded AS f
    {% else %}
    -- every user with an event up to T (from days: materializing periods would hold them all)
    FROM (SELECT DISTINCT user_id FROM days) AS u
    LEFT JOIN folded AS f ON f.user_id = u.user_id
    {% endif %}
)
