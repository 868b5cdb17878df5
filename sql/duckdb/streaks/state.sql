{#- DuckDB twin of sql/clickhouse/streaks/state.sql: the chain folded per user with list_reduce. -#}
{% import 'streaks/_macros.sql' as s with context %}
{% set with_history = false %}
WITH
{% include 'streaks/_steps.sql' %},
{% include 'streaks/_judged.sql' %},
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
