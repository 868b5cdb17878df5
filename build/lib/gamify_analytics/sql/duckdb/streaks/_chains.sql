{#- DuckDB twin of sql/clickhouse/streaks/_chains.sql: the chain folded with list_reduce. -#}
{% import 'streaks/_macros.sql' as s with context %}
{% macro fold(items) -%}
list_reduce(
            list_transform({{ items }}, lambda x, i: struct_pack(k := x.k, i := CAST(i AS BIGINT))),
            lambda acc, x: struct_pack(
                len := {{ s.step_length('acc', 'x.k') }},
                longest := greatest(acc.longest, {{ s.step_length('acc', 'x.k') }}),
                bal := CAST(least($max_freezes, {{ s.step_balance('acc', 'x.k') }} + {{ s.earned(s.step_length('acc', 'x.k')) }}) AS BIGINT),
                st := CASE WHEN x.k < 0 OR x.k > acc.bal THEN x.i ELSE acc.st END,
                frozen := acc.frozen + CAST(CASE WHEN x.k > 0 AND x.k <= acc.bal THEN x.k ELSE 0 END AS BIGINT){% if with_history %},
                lens := list_append(acc.lens, {{ s.step_length('acc', 'x.k') }}),
                used := list_append(acc.used, CAST(CASE WHEN x.k > 0 AND x.k <= acc.bal THEN x.k ELSE 0 END AS BIGINT)){% endif %}

            ),
            {% if seeded %}struct_pack(len := sd.length, longest := sd.longest, bal := sd.balance, st := CAST(0 AS BIGINT), frozen := sd.freezes_used)
            {% else %}struct_pack(len := CAST(0 AS BIGINT), longest := CAST(0 AS BIGINT), bal := CAST(0 AS BIGINT), st := CAST(0 AS BIGINT), frozen := CAST(0 AS BIGINT){% if with_history %},
                        lens := CAST([] AS BIGINT[]), used := CAST([] AS BIGINT[]){% endif %}){% endif %}
        )
{%- endmacro %}
arrays AS (
    SELECT user_id,
           list(struct_pack(start_ms := start_ms, pkey := pkey, k := k, zone := zone, end_ms := end_ms, ord := ord)
                ORDER BY start_ms, pkey) AS a
    FROM steps
    WHERE NOT is_seed
    GROUP BY user_id
),
folded AS (
    SELECT
        arrays.user_id,
        arrays.a,
        {{ fold('arrays.a') }} AS st{% if with_previous %},
        -- the state before the last period, so a later run can redo that period alone
        {{ fold('list_slice(arrays.a, 1, len(arrays.a) - 1)') }} AS pst{% endif %}{% if seeded %},
        sd.started AS seed_started,
        struct_pack(start_ms := sd.last_start_ms, pkey := sd.last_period, k := CAST(0 AS BIGINT), zone := sd.last_zone,
                    end_ms := sd.last_end_ms, ord := sd.last_ord) AS seed_period{% endif %}

    FROM arrays
    {% if seeded %}JOIN seeds AS sd ON sd.user_id = arrays.user_id{% endif %}
),
chains AS MATERIALIZED (
    SELECT
        {{ 'f' if seeded else 'u' }}.user_id,
        f.user_id IS NOT NULL AS has_chain,
        f.st.len AS length,
        f.st.longest AS longest,
        f.st.bal AS balance,
        {% if seeded %}CASE WHEN f.st.st = 0 THEN f.seed_started ELSE f.a[f.st.st].pkey END{% else %}f.a[f.st.st].pkey{% endif %} AS started,
        f.a[-1].pkey AS last_period,
        f.a[-1].zone AS last_zone,
        f.a[-1].start_ms AS last_start_ms,
        f.a[-1].end_ms AS last_end_ms,
        f.a[-1].ord AS last_ord,
        f.st.frozen AS freezes_used{% if with_previous %},
        {% if seeded %}true{% else %}len(f.a) >= 2{% endif %} AS has_prev,
        f.pst.len AS prev_length,
        f.pst.longest AS prev_longest,
        f.pst.bal AS prev_balance,
        {% if seeded %}CASE WHEN f.pst.st = 0 THEN f.seed_started ELSE f.a[f.pst.st].pkey END{% else %}f.a[f.pst.st].pkey{% endif %} AS prev_started,
        f.pst.frozen AS prev_freezes_used,
        {% if seeded %}(CASE WHEN len(f.a) >= 2 THEN f.a[-2] ELSE f.seed_period END){% else %}f.a[-2]{% endif %}.pkey AS prev_period,
        {% if seeded %}(CASE WHEN len(f.a) >= 2 THEN f.a[-2] ELSE f.seed_period END){% else %}f.a[-2]{% endif %}.zone AS prev_zone,
        {% if seeded %}(CASE WHEN len(f.a) >= 2 THEN f.a[-2] ELSE f.seed_period END){% else %}f.a[-2]{% endif %}.start_ms AS prev_start_ms,
        {% if seeded %}(CASE WHEN len(f.a) >= 2 THEN f.a[-2] ELSE f.seed_period END){% else %}f.a[-2]{% endif %}.end_ms AS prev_end_ms,
        {% if seeded %}(CASE WHEN len(f.a) >= 2 THEN f.a[-2] ELSE f.seed_period END){% else %}f.a[-2]{% endif %}.ord AS prev_ord{% endif %}{% if with_history %},
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
