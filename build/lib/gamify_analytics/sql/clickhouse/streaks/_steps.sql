{#- CTEs shared by streaks/state and streaks/history: every qualifying period of every user
    with the number k of periods missed since the previous one (-1 for the first). -#}
{% import 'streaks/_macros.sql' as s with context %}
{% import '_filters.sql' as f with context %}
{% import '_dialect.sql' as d with context %}
{% if changed_only or seeded %}{% include 'streaks/_seeds.sql' %},{% endif %}
{% if touched %}{% include 'streaks/_touched.sql' %},{% endif %}
days AS {% if straddle %}MATERIALIZED {% endif %}(
    -- FINAL merges the aggregate rows on read, an order of magnitude faster than GROUP BY
    SELECT user_id, metric, local_date, value_sum AS v, first_ts, last
    FROM {{ db }}.daily_metrics FINAL
    WHERE first_ts <= {{ s.as_of() }}
    {% if filter_users %}AND user_id IN {{ p('users', 'Array(String)') }}{% endif %}
    {{ f.of_users('user_id') }}
    {% if touched %}AND user_id IN (SELECT user_id FROM touched_users){% endif %}
    {% if bucketed is defined and bucketed %}AND {{ d.in_bucket('user_id') }}{% endif %}
    {% if changed_only %}
    -- the streaks job: users with events ingested since its last run, or whose events became
    -- due (ts between the last run's as_of and this one's), who cannot continue a stored chain
    AND user_id IN (SELECT user_id FROM changed) AND user_id NOT IN (SELECT user_id FROM seeds)
    {% endif %}
    {% if seeded %}
    -- continuing stored chains: only the periods after each user's stored last period
    AND user_id IN (SELECT user_id FROM seeds) AND local_date >= (SELECT min(first_day) FROM seeds)
    {% endif %}
),
inputs AS (
    SELECT user_id, metric, local_date, v, last FROM days
    {% if straddle %}
    WHERE last.1 <= {{ s.as_of() }}
    UNION ALL
    -- days that straddle as_of: only their events up to as_of count (a local day spans < 27 h)
    SELECT user_id, metric, local_date, sum(toDecimal128(value, 6)) AS v, max((ts, event_id, toString(tz))) AS last
    FROM {{ db }}.events
    WHERE ts <= {{ s.as_of() }} AND ts > {{ s.as_of() }} - INTERVAL 3 DAY
      AND (user_id, metric, local_date) IN (SELECT user_id, metric, local_date FROM days WHERE last.1 > {{ s.as_of() }})
    GROUP BY user_id, metric, local_date
    {% endif %}
),
periods AS (
    SELECT
        user_id,
        {{ s.key('local_date') }} AS pkey,
        max(last).3 AS zone,
        {% for c in conditions %}
        sumIf(v, metric = {{ p(c.metric_param, 'String') }}) >= {{ p(c.threshold_param, 'Decimal(38, 6)') }} AS ok{{ loop.index0 }},
        {% endfor %}
        {% for c in conditions %}ok{{ loop.index0 }}{% if not loop.last %} {{ 'AND' if mode == 'all' else 'OR' }} {% endif %}{% endfor %} AS qualifies
    FROM inputs
    GROUP BY user_id, pkey
),
-- the days of tz_days this statement can touch: joins then hash a few thousand rows per zone
zone_days AS MATERIALIZED (
    SELECT tz, day, start_ms, ordinal, exists FROM {{ db }}.tz_days
    -- bounds from the table, not a CTE (a scalar subquery would evaluate the CTE again);
    -- 32 days back reaches the key of the earliest week or month
    WHERE day >= (SELECT min(local_date) FROM {{ db }}.daily_metrics) - 32
      AND day <= greatest((SELECT max(local_date) FROM {{ db }}.daily_metrics), toDate({{ s.as_of() }})) + {{ p('lookahead_days', 'Int32') }}
),
qualifying AS (
    SELECT q.user_id AS user_id, q.pkey AS pkey, q.zone AS zone, b.start_ms AS start_ms, e.start_ms AS end_ms,
           {{ s.ord('q.pkey', 'b.ordinal') }} AS ord, false AS is_seed
    FROM (
        SELECT p.user_id AS user_id, p.pkey AS pkey, p.zone AS zone FROM periods AS p
        {% if seeded %}INNER JOIN seeds AS sd ON sd.user_id = p.user_id WHERE p.qualifies AND p.pkey > sd.last_period
        {% else %}WHERE p.qualifies{% endif %}

    ) AS q
    INNER JOIN zone_days AS b ON b.tz = q.zone AND b.day = q.pkey
    INNER JOIN zone_days AS e ON e.tz = q.zone AND e.day = {{ s.add('q.pkey', 1) }}
    {% if seeded %}
    -- each stored last period leads its user's new periods, so the first one's k counts from it
    UNION ALL
    SELECT user_id, last_period, last_zone, last_start_ms, last_end_ms, last_ord, true FROM seeds
    {% endif %}
),
ordered AS MATERIALIZED (
    SELECT *,
        row_number() OVER w AS rn,
        lagInFrame(zone) OVER w AS prev_zone,
        lagInFrame(ord) OVER w AS prev_ord
    FROM qualifying
    WINDOW w AS (PARTITION BY user_id ORDER BY start_ms, pkey ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
),
-- after a change of zone: the period containing this start in the previous period's zone
moved AS (
    SELECT m.user_id AS user_id, m.pkey AS pkey, {{ s.ord('m.c_key', 'd.ordinal') }} AS c_ord
    FROM (
        SELECT o.user_id AS user_id, o.pkey AS pkey, o.prev_zone AS prev_zone,
               {{ s.key(s.day_of('o.start_ms', 'z.offset_s')) }} AS c_key
        FROM (SELECT user_id, pkey, prev_zone, start_ms FROM ordered WHERE rn > 1 AND prev_zone != zone) AS o
        ASOF LEFT JOIN {{ db }}.tz_offsets AS z ON z.tz = o.prev_zone AND z.from_ms <= o.start_ms
    ) AS m
    {% if frequency == 'daily' %}INNER JOIN zone_days AS d ON d.tz = m.prev_zone AND d.day = m.c_key{% endif %}
),
steps AS (
    SELECT o.user_id AS user_id, o.pkey AS pkey, o.zone AS zone, o.start_ms AS start_ms, o.end_ms AS end_ms,
           o.ord AS ord, o.is_seed AS is_seed,
           toInt64(if(o.rn = 1, -1, greatest(0, if(o.prev_zone = o.zone, o.ord, m.c_ord) - o.prev_ord - 1))) AS k
    FROM ordered AS o
    LEFT JOIN moved AS m ON m.user_id = o.user_id AND m.pkey = o.pkey
)
