{#- DuckDB twin of sql/clickhouse/streaks/_steps.sql (daily_metrics holds one row per day). -#}
{% import 'streaks/_macros.sql' as s with context %}
{% import '_filters.sql' as f with context %}
{% import '_dialect.sql' as d with context %}
{% if changed_only or seeded %}{% include 'streaks/_seeds.sql' %},{% endif %}
{% if touched %}{% include 'streaks/_touched.sql' %},{% endif %}
days AS {% if straddle %}MATERIALIZED {% endif %}(
    SELECT user_id, metric, local_date, value_sum AS v, first_ts,
           struct_pack(t := last_ts, e := last_event_id, z := last_tz) AS last
    FROM daily_metrics
    WHERE first_ts <= {{ s.as_of() }}
    {% if filter_users %}AND list_contains($users, user_id){% endif %}
    {{ f.of_users('user_id') }}
    {% if touched %}AND user_id IN (SELECT user_id FROM touched_users){% endif %}
    {% if bucketed is defined and bucketed %}AND {{ d.in_bucket('user_id') }}{% endif %}
    {% if changed_only %}
    AND user_id IN (SELECT user_id FROM changed) AND user_id NOT IN (SELECT user_id FROM seeds)
    {% endif %}
    {% if seeded %}
    AND user_id IN (SELECT user_id FROM seeds) AND local_date >= (SELECT min(first_day) FROM seeds)
    {% endif %}
),
inputs AS (
    SELECT user_id, metric, local_date, v, last FROM days
    {% if straddle %}
    WHERE last.t <= {{ s.as_of() }}
    UNION ALL
    -- days that straddle as_of: only their events up to as_of count (a local day spans < 27 h)
    SELECT ev.user_id, ev.metric, ev.local_date, sum(ev.value) AS v,
           max(struct_pack(t := ev.ts, e := ev.event_id, z := ev.tz)) AS last
    FROM events AS ev
    SEMI JOIN (SELECT user_id, metric, local_date FROM days WHERE last.t > {{ s.as_of() }}) AS d
        ON d.user_id = ev.user_id AND d.metric = ev.metric AND d.local_date = ev.local_date
    WHERE ev.ts <= {{ s.as_of() }} AND ev.ts > {{ s.as_of() }} - INTERVAL 3 DAY
    GROUP BY ev.user_id, ev.metric, ev.local_date
    {% endif %}
),
periods AS (
    SELECT
        user_id,
        {{ s.key('local_date') }} AS pkey,
        max(last).z AS zone,
        {% for c in conditions %}
        coalesce(sum(v) FILTER (WHERE metric = ${{ c.metric_param }}), 0) >= CAST(${{ c.threshold_param }} AS DECIMAL(38, 6)) AS ok{{ loop.index0 }},
        {% endfor %}
        {% for c in conditions %}ok{{ loop.index0 }}{% if not loop.last %} {{ 'AND' if mode == 'all' else 'OR' }} {% endif %}{% endfor %} AS qualifies
    FROM inputs
    GROUP BY user_id, pkey
),
-- the days of tz_days this statement can touch: joins then hash a few thousand rows per zone
zone_days AS MATERIALIZED (
    SELECT tz, day, start_ms, ordinal, exists FROM tz_days
    -- bounds from the table, not a CTE (a scalar subquery would evaluate the CTE again);
    -- 32 days back reaches the key of the earliest week or month
    WHERE day >= (SELECT min(local_date) FROM daily_metrics) - 32
      AND day <= greatest((SELECT max(local_date) FROM daily_metrics), CAST({{ s.as_of() }} AS DATE)) + CAST($lookahead_days AS INTEGER)
),
qualifying AS (
    SELECT q.user_id, q.pkey, q.zone, b.start_ms, e.start_ms AS end_ms,
           {{ s.ord('q.pkey', 'b.ordinal') }} AS ord, false AS is_seed
    FROM (
        SELECT p.user_id, p.pkey, p.zone FROM periods AS p
        {% if seeded %}JOIN seeds AS sd ON sd.user_id = p.user_id WHERE p.qualifies AND p.pkey > sd.last_period
        {% else %}WHERE p.qualifies{% endif %}

    ) AS q
    JOIN zone_days AS b ON b.tz = q.zone AND b.day = q.pkey
    JOIN zone_days AS e ON e.tz = q.zone AND e.day = {{ s.add('q.pkey', 1) }}
    {% if seeded %}
    UNION ALL
    SELECT user_id, last_period, last_zone, last_start_ms, last_end_ms, last_ord, true FROM seeds
    {% endif %}
),
ordered AS MATERIALIZED (
    SELECT *,
        row_number() OVER w AS rn,
        lag(zone) OVER w AS prev_zone,
        lag(ord) OVER w AS prev_ord
    FROM qualifying
    WINDOW w AS (PARTITION BY user_id ORDER BY start_ms, pkey)
),
-- after a change of zone: the period containing this start in the previous period's zone
moved AS (
    SELECT m.user_id, m.pkey, {{ s.ord('m.c_key', 'd.ordinal') }} AS c_ord
    FROM (
        SELECT o.user_id, o.pkey, o.prev_zone, {{ s.key(s.day_of('o.start_ms', 'z.offset_s')) }} AS c_key
        FROM (SELECT user_id, pkey, prev_zone, start_ms FROM ordered WHERE rn > 1 AND prev_zone != zone) AS o
        ASOF LEFT JOIN tz_offsets AS z ON z.tz = o.prev_zone AND o.start_ms >= z.from_ms
    ) AS m
    {% if frequency == 'daily' %}JOIN zone_days AS d ON d.tz = m.prev_zone AND d.day = m.c_key{% endif %}
),
steps AS (
    SELECT o.user_id, o.pkey, o.zone, o.start_ms, o.end_ms, o.ord, o.is_seed,
           CAST(CASE WHEN o.rn = 1 THEN -1
                     ELSE greatest(0, (CASE WHEN o.prev_zone = o.zone THEN o.ord ELSE m.c_ord END) - o.prev_ord - 1)
                END AS BIGINT) AS k
    FROM ordered AS o
    LEFT JOIN moved AS m ON m.user_id = o.user_id AND m.pkey = o.pkey
)
