{#- DuckDB twin of sql/clickhouse/streaks/state.sql: the chain folded per user with list_reduce. -#}
{% import 'streaks/_macros.sql' as s with context %}
WITH
{% include 'streaks/_steps.sql' %},
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
                st := CASE WHEN x.k < 0 OR x.k > acc.bal THEN x.i ELSE acc.st END
            ),
            struct_pack(len := CAST(0 AS BIGINT), longest := CAST(0 AS BIGINT), bal := CAST(0 AS BIGINT), st := CAST(0 AS BIGINT))
        ) AS st,
        a,
        {{ s.as_of_ms() }} AS t_ms
    FROM arrays
),
current AS (
    SELECT f.user_id, f.st, f.a[f.st.st].pkey AS started, f.a[-1].pkey AS last_key, f.a[-1].zone AS last_zone,
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
),
result AS (
    SELECT j.*, x.start_ms AS expires_ms
    FROM judged AS j
    {% if frequency == 'daily' %}
    LEFT JOIN (
        SELECT tz, ordinal, min(start_ms) AS start_ms FROM tz_days
        WHERE tz IN (SELECT last_zone FROM judged) GROUP BY tz, ordinal
    ) AS x ON x.tz = j.last_zone AND x.ordinal = j.last_ord + j.st.bal + 2
    {% else %}
    LEFT JOIN tz_days AS x ON x.tz = j.last_zone AND x.day = {{ s.add('j.last_key', 'j.st.bal + 2') }}
    {% endif %}
)
SELECT
    u.user_id,
    $streak AS streak,
    CAST(CASE WHEN r.alive THEN r.st.len ELSE 0 END AS BIGINT) AS length,
    CAST(coalesce(r.st.longest, 0) AS BIGINT) AS longest,
    CASE WHEN r.alive THEN r.started END AS started,
    r.last_key AS last_period,
    CAST(CASE WHEN r.user_id IS NULL THEN least($initial, $max_freezes) WHEN r.alive THEN r.st.bal - r.k_t ELSE 0 END AS BIGINT) AS freezes_left,
    CASE WHEN r.user_id IS NULL THEN 'none' WHEN NOT r.alive THEN 'broken' WHEN r.t_ms < r.last_end THEN 'active' ELSE 'at_risk' END AS status,
    CASE WHEN r.alive THEN make_timestamp(r.expires_ms * 1000) END AS expires_at
FROM (SELECT DISTINCT user_id FROM periods) AS u
LEFT JOIN result AS r ON r.user_id = u.user_id
ORDER BY u.user_id
