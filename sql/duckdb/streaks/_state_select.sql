{#- DuckDB twin of sql/clickhouse/streaks/_state_select.sql. -#}
{% import 'streaks/_macros.sql' as s with context %}
result AS (
    SELECT j.*, x.start_ms AS expires_ms
    FROM judged AS j
    {% if frequency == 'daily' %}
    LEFT JOIN (
        SELECT tz, ordinal, min(start_ms) AS start_ms FROM tz_days
        WHERE tz IN (SELECT last_zone FROM judged) GROUP BY tz, ordinal
    ) AS x ON x.tz = j.last_zone AND x.ordinal = j.last_ord + j.balance + 2
    {% else %}
    LEFT JOIN tz_days AS x ON x.tz = j.last_zone AND x.day = {{ s.add('j.last_period', 'j.balance + 2') }}
    {% endif %}
)
SELECT
    c.user_id,
    $streak AS streak,
    CAST(CASE WHEN r.alive THEN r.length ELSE 0 END AS BIGINT) AS length,
    CAST(CASE WHEN c.has_chain THEN c.longest ELSE 0 END AS BIGINT) AS longest,
    CASE WHEN r.alive THEN r.started END AS started,
    CASE WHEN c.has_chain THEN c.last_period END AS last_period,
    CAST(CASE WHEN NOT c.has_chain THEN least($initial, $max_freezes) WHEN r.alive THEN r.balance - r.k_t ELSE 0 END AS BIGINT) AS freezes_left,
    CASE WHEN NOT c.has_chain THEN 'none' WHEN NOT r.alive THEN 'broken' WHEN r.t_ms < r.last_end_ms THEN 'active' ELSE 'at_risk' END AS status,
    CASE WHEN r.alive THEN make_timestamp(r.expires_ms * 1000) END AS expires_at
FROM chains AS c
LEFT JOIN result AS r ON r.user_id = c.user_id
ORDER BY c.user_id
