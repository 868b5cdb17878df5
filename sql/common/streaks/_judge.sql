{#- Each chain judged as of T (docs/streaks.md "As of T"): T's period in the chain's zone (one
    lookup per zone, not per user), the periods missed since the last qualifying one, whether
    the chain is alive, and whether T is still inside its last period. Reads a CTE `chains`
    (computed now, or stored by the streaks job) and `zone_days`. -#}
{% import 'streaks/_macros.sql' as s with context %}
zones_now AS (
    SELECT x.zone AS zone, {{ s.key(s.day_of('x.t_ms', 'z.offset_s')) }} AS t_key
    FROM (SELECT DISTINCT last_zone AS zone, {{ s.as_of_ms() }} AS t_ms FROM chains WHERE has_chain) AS x
    ASOF LEFT JOIN {{ db }}.tz_offsets AS z ON z.tz = x.zone AND {{ s.asof_after('x.t_ms', 'z.from_ms') }}
),
zones_now_ord AS (
    SELECT n.zone AS zone,
           {% if frequency == 'daily' %}{{ s.int('d.ordinal') }} + {{ s.int(p('ord_base', 'Int64')) }}{% else %}{{ s.ord_of('n.t_key') }}{% endif %} AS t_ord
    FROM zones_now AS n
    {% if frequency == 'daily' %}LEFT JOIN zone_days AS d ON d.tz = n.zone AND d.day = n.t_key{% endif %}
),
judged AS MATERIALIZED (
    SELECT c.*,
           {{ s.as_of_ms() }} AS t_ms,
           greatest(0, t.t_ord - c.last_ord - 1) AS k_t,
           greatest(0, t.t_ord - c.last_ord - 1) <= c.balance AS alive,
           t.t_ord <= c.last_ord AS in_last
    FROM chains AS c
    LEFT JOIN zones_now_ord AS t ON t.zone = c.last_zone
)
