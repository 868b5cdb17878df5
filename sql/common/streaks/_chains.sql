{#- The chain, folded once per user over its k list (docs/streaks.md "The chain"), for every
    user with an event up to T (`chains`). The accumulator carries the state after each period
    and, with `with_previous`, the state before the last one (so the streaks job can redo that
    period alone); with `with_history`, each step's length and frozen periods. -#}
{% import 'streaks/_macros.sql' as s with context %}
{% set steps = s.int('CASE WHEN x.k < 0 THEN 1 WHEN x.k <= acc.bal THEN acc.len + 1 ELSE 1 END') %}
{% set balance = s.int('CASE WHEN x.k < 0 THEN least(' ~ p('initial', 'Int64') ~ ', ' ~ p('max_freezes', 'Int64') ~ ') WHEN x.k <= acc.bal THEN acc.bal - x.k ELSE 0 END') %}
{% set earned = 'CASE WHEN ' ~ p('earn_every', 'Int64') ~ ' > 0 AND ' ~ steps ~ ' % greatest(' ~ p('earn_every', 'Int64') ~ ', 1) = 0 THEN ' ~ p('earn_amount', 'Int64') ~ ' ELSE 0 END' %}
{% set frozen = s.int('CASE WHEN x.k > 0 AND x.k <= acc.bal THEN x.k ELSE 0 END') %}
{% set restarts = 'x.k < 0 OR x.k > acc.bal' %}
{% set acc = [
    ('len', 'Int64', steps),
    ('longest', 'Int64', 'greatest(acc.longest, ' ~ steps ~ ')'),
    ('bal', 'Int64', s.int('least(' ~ p('max_freezes', 'Int64') ~ ', ' ~ balance ~ ' + ' ~ earned ~ ')')),
    ('started', 'Date', 'CASE WHEN ' ~ restarts ~ ' THEN x.pkey ELSE acc.started END'),
    ('frozen', 'Int64', 'acc.frozen + ' ~ frozen),
] %}
{% if with_previous %}
{% set acc = acc + [
    ('p_len', 'Int64', 'acc.len'), ('p_longest', 'Int64', 'acc.longest'), ('p_bal', 'Int64', 'acc.bal'),
    ('p_started', 'Date', 'acc.started'), ('p_frozen', 'Int64', 'acc.frozen'),
] %}
{% endif %}
{% if with_history %}
{% set acc = acc + [('lens', 'Array(Int64)', s.push('acc.lens', steps)), ('used', 'Array(Int64)', s.push('acc.used', frozen))] %}
{% endif %}
{#- the state before the first period: zero, or the seed's -#}
{% set zero = "CAST('1970-01-01' AS DATE)" %}
{% if seeded %}
{% set init = [('len', 'Int64', 'sd.length'), ('longest', 'Int64', 'sd.longest'), ('bal', 'Int64', 'sd.balance'), ('started', 'Date', 'sd.started'), ('frozen', 'Int64', 'sd.freezes_used')] %}
{% else %}
{% set init = [('len', 'Int64', s.int(0)), ('longest', 'Int64', s.int(0)), ('bal', 'Int64', s.int(0)), ('started', 'Date', zero), ('frozen', 'Int64', s.int(0))] %}
{% endif %}
{% if with_previous %}
{% set init = init + [('p_len', 'Int64', s.int(0)), ('p_longest', 'Int64', s.int(0)), ('p_bal', 'Int64', s.int(0)), ('p_started', 'Date', zero), ('p_frozen', 'Int64', s.int(0))] %}
{% endif %}
{% if with_history %}
{% set init = init + [('lens', 'Array(Int64)', s.empty_ints()), ('used', 'Array(Int64)', s.empty_ints())] %}
{% endif %}
folded AS (
    SELECT ar.user_id AS user_id,
           {% if seeded %}{{ s.tail('ar.a') }}{% else %}ar.a{% endif %} AS a,
           {{ s.fold('acc', 'x', s.record(acc), s.tail('ar.a') if seeded else 'ar.a', s.record(init)) }} AS st{% if seeded %},
           ar.a[1] AS seed{% endif %}

    FROM arrays AS ar
    {% if seeded %}
    INNER JOIN seeds AS sd ON sd.user_id = ar.user_id
    -- a user with no new qualifying period keeps the stored chain as it is
    WHERE {{ s.len('ar.a') }} >= 2
    {% endif %}
),
chains AS MATERIALIZED (
    SELECT
        {{ 'f' if seeded else 'u' }}.user_id AS user_id,
        f.user_id IS NOT NULL AND f.user_id != '' AS has_chain,
        f.st.len AS length,
        f.st.longest AS longest,
        f.st.bal AS balance,
        f.st.started AS started,
        f.a[-1].pkey AS last_period,
        f.a[-1].zone AS last_zone,
        f.a[-1].ord AS last_ord,
        f.st.frozen AS freezes_used{% if with_previous %},
        {% if seeded %}true{% else %}{{ s.len('f.a') }} >= 2{% endif %} AS has_prev,
        f.st.p_len AS prev_length,
        f.st.p_longest AS prev_longest,
        f.st.p_bal AS prev_balance,
        f.st.p_started AS prev_started,
        f.st.p_frozen AS prev_freezes_used,
        {% set prev = ('CASE WHEN ' ~ s.len('f.a') ~ ' >= 2 THEN f.a[-2] ELSE f.seed END') if seeded else 'f.a[-2]' %}
        {{ s.field(prev, 'pkey') }} AS prev_period,
        {{ s.field(prev, 'zone') }} AS prev_zone,
        {{ s.field(prev, 'ord') }} AS prev_ord{% endif %}{% if with_history %},
        f.a AS a,
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
