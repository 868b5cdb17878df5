{#- DuckDB twin of sql/clickhouse/streaks/_judge.sql. -#}
{% import 'streaks/_macros.sql' as s with context %}
current AS (
    SELECT c.*, {{ s.key(s.day_of('c.t_ms', 'z.offset_s')) }} AS ct_key
    FROM (SELECT *, {{ s.as_of_ms() }} AS t_ms FROM chains) AS c
    ASOF LEFT JOIN tz_offsets AS z ON z.tz = c.last_zone AND c.t_ms >= z.from_ms
),
judged AS MATERIALIZED (
    SELECT c.*,
           greatest(0, {{ s.ord('c.ct_key', 'd.ordinal') }} - c.last_ord - 1) AS k_t,
           greatest(0, {{ s.ord('c.ct_key', 'd.ordinal') }} - c.last_ord - 1) <= c.balance AS alive
    FROM current AS c
    {% if frequency == 'daily' %}LEFT JOIN zone_days AS d ON d.tz = c.last_zone AND d.day = c.ct_key{% endif %}
)
