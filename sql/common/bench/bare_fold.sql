{#- The bench's reference step (BENCHMARKS.md): the least any streak recompute can do on
    this store. Each user's qualifying periods from the stored per-day rows, read once, folded
    once with freezes: no zones, no travel, nothing stored. -#}
{% import 'streaks/_macros.sql' as s with context %}
{% import '_dialect.sql' as d with context %}
{% set k = 'x - acc.prev - 1' %}
{% set restarts = 'acc.prev = 0 OR ' ~ k ~ ' > acc.bal' %}
{% set steps = s.int('CASE WHEN ' ~ restarts ~ ' THEN 1 ELSE acc.len + 1 END') %}
{% set kept = 'CASE WHEN acc.prev = 0 THEN least(' ~ p('initial', 'Int64') ~ ', ' ~ p('max_freezes', 'Int64') ~ ') WHEN ' ~ k ~ ' <= acc.bal THEN acc.bal - (' ~ k ~ ') ELSE 0 END' %}
{% set earned = 'CASE WHEN ' ~ p('earn_every', 'Int64') ~ ' > 0 AND ' ~ steps ~ ' % greatest(' ~ p('earn_every', 'Int64') ~ ', 1) = 0 THEN ' ~ p('earn_amount', 'Int64') ~ ' ELSE 0 END' %}
{% set acc = [
    ('len', 'Int64', steps),
    ('longest', 'Int64', 'greatest(acc.longest, ' ~ steps ~ ')'),
    ('bal', 'Int64', s.int('least(' ~ p('max_freezes', 'Int64') ~ ', ' ~ kept ~ ' + ' ~ earned ~ ')')),
    ('prev', 'Int64', 'x'),
] %}
{% set init = [('len', 'Int64', s.int(0)), ('longest', 'Int64', s.int(0)), ('bal', 'Int64', s.int(0)), ('prev', 'Int64', s.int(0))] %}
WITH periods AS (
    SELECT user_id, {{ s.ord_of(s.key('local_date')) }} AS o
    FROM {{ db }}.daily_metrics {{ s.final() }}
    WHERE metric IN ({% for c in conditions %}{{ p(c.metric_param, 'String') }}{% if not loop.last %}, {% endif %}{% endfor %})
    GROUP BY user_id, o
    HAVING {% for c in conditions %}coalesce(sum(value_sum) FILTER (WHERE metric = {{ p(c.metric_param, 'String') }}), 0) >= {{ d.dec(c.threshold_param) }}{% if not loop.last %} {{ 'AND' if mode == 'all' else 'OR' }} {% endif %}{% endfor %}
),
folded AS (
    SELECT user_id, {{ s.fold(acc, init, s.sorted_list('o')) }} AS st
    FROM periods
    GROUP BY user_id
)
SELECT count(*) AS users, sum(st.len) AS lengths, max(st.longest) AS longest FROM folded
