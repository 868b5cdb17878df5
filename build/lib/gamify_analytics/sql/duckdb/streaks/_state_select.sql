{#- DuckDB twin of sql/clickhouse/streaks/_state_select.sql. -#}
{% import 'streaks/_macros.sql' as s with context %}
result AS (
    SELECT j.*, x.start_ms AS expires_ms
    FROM judged AS j
    {% if frequency == 'daily' %}
    LEFT JOIN (SELECT tz, ordinal, start_ms FROM zone_days WHERE exists) AS x
        ON x.tz = j.last_zone AND x.ordinal = j.last_ord + j.balance + 2
    {% else %}
    LEFT JOIN zone_days AS x ON x.tz = j.last_zone AND x.day = {{ s.add('j.last_period', 'j.balance + 2') }}
    {% endif %}
)
SELECT
    r.user_id,
    $streak AS streak,
    CAST(CASE WHEN r.has_chain AND r.alive THEN r.length ELSE 0 END AS BIGINT) AS length,
    CAST(CASE WHEN r.has_chain THEN r.longest ELSE 0 END AS BIGINT) AS longest,
    CASE WHEN r.has_chain AND r.alive THEN r.started END AS started,
    CASE WHEN r.has_chain THEN r.last_period END AS last_period,
    CAST(CASE WHEN NOT r.has_chain THEN least($initial, $max_freezes) WHEN r.has_chain AND r.alive THEN r.balance - r.k_t ELSE 0 END AS BIGINT) AS freezes_left,
    CASE WHEN NOT r.has_chain THEN 'none' WHEN NOT r.alive THEN 'broken' WHEN r.t_ms < r.last_end_ms THEN 'active' ELSE 'at_risk' END AS status,
    CASE WHEN r.has_chain AND r.alive THEN make_timestamp(r.expires_ms * 1000) END AS expires_at
FROM result AS r
ORDER BY r.user_id
