{#- DuckDB twin of sql/clickhouse/streaks/_judged.sql. -#}
{% import 'streaks/_macros.sql' as s with context %}
arrays AS (
    SELECT user_id,
           list(struct_pack(start_ms := start_ms, pkey := pkey, k := k, zone := zone, end_ms := end_ms, ord := ord)
                ORDER BY start_ms, pkey) AS a
    FROM steps
    GROUP BY user_id
),
folded AS (
    SELECT
        user_id,
        list_reduce(
            list_transform(a, lambda x, i: struct_pack(k := x.k, i := CAST(i AS BIGINT))),
            lambda acc, x: struct_pack(
                len := {{ s.step_length('acc', 'x.k') }},
                longest := greatest(acc.longest, {{ s.step_length('acc', 'x.k') }}),
                bal := CAST(least($max_freezes, {{ s.step_balance('acc', 'x.k') }} + {{ s.earned(s.step_length('acc', 'x.k')) }}) AS BIGINT),
                st := CASE WHEN x.k < 0 OR x.k > acc.bal THEN x.i ELSE acc.st END{% if with_history %},
                lens := list_append(acc.lens, {{ s.step_length('acc', 'x.k') }}),
                used := list_append(acc.used, CAST(CASE WHEN x.k > 0 AND x.k <= acc.bal THEN x.k ELSE 0 END AS BIGINT)){% endif %}

            ),
            struct_pack(len := CAST(0 AS BIGINT), longest := CAST(0 AS BIGINT), bal := CAST(0 AS BIGINT), st := CAST(0 AS BIGINT){% if with_history %},
                        lens := CAST([] AS BIGINT[]), used := CAST([] AS BIGINT[]){% endif %})
        ) AS st,
        a,
        {{ s.as_of_ms() }} AS t_ms
    FROM arrays
),
current AS (
    SELECT f.user_id, f.st, f.a, f.a[f.st.st].pkey AS started, f.a[-1].pkey AS last_key, f.a[-1].zone AS last_zone,
           f.a[-1].end_ms AS last_end, f.a[-1].ord AS last_ord, f.t_ms,
           {{ s.key(s.day_of('f.t_ms', 'z.offset_s')) }} AS ct_key
    FROM folded AS f
    ASOF LEFT JOIN tz_offsets AS z ON z.tz = f.a[-1].zone AND f.t_ms >= z.from_ms
),
judged AS (
    SELECT c.*,
           greatest(0, {{ s.ord('c.ct_key', 'd.ordinal') }} - c.last_ord - 1) AS k_t,
           greatest(0, {{ s.ord('c.ct_key', 'd.ordinal') }} - c.last_ord - 1) <= c.st.bal AS alive
    FROM current AS c
    {% if frequency == 'daily' %}JOIN tz_days AS d ON d.tz = c.last_zone AND d.day = c.ct_key{% endif %}
)
