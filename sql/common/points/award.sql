{#- The points job for one system (§7, docs/achievements.md): this run's award candidates
    (metric triggers over the new events with carried running totals; completions and
    milestones stored since the previous run) applied per user in (ts, event_id, trigger)
    order on top of the carried total, clamped to [0, max_points]; one ledger row each. -#}
{% import '_dialect.sql' as d with context %}
{{ d.insert('points_ledger') }} (system, user_id, ts, event_id, trigger, source, tz, local_date, requested, points, total, seq)
SELECT * FROM (
    WITH
    {% if metric_list %}
    {% include 'jobs/_new_events.sql' %},
    {% include 'jobs/_base.sql' %},
    running AS (
        SELECT e.*, coalesce(b.total, 0) + sum(e.value) OVER (
                   PARTITION BY e.user_id, e.metric ORDER BY e.ts, e.event_id ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
               ) AS r_after
        FROM new_events AS e
        LEFT JOIN base AS b ON b.user_id = e.user_id AND b.counter = concat('m:', e.metric)
    ),
    {% endif %}
    candidates AS MATERIALIZED (
        SELECT * FROM (
        {% for t in triggers %}
            {% if t.kind == 'metric' %}
            SELECT user_id, ts, event_id, tz, local_date, CAST({{ t.pos }} AS INTEGER) AS trigger, event_id AS source,
                   CAST({{ d.times_int(d.dec(t.points),
                       d.floordiv(d.micros('r_after'), d.micros(d.dec(t.per)))
                       ~ ' - ' ~ d.floordiv(d.micros('r_after - value'), d.micros(d.dec(t.per)))) }} AS Decimal(38, 6)) AS amount
            FROM running WHERE metric = {{ p(t.metric, 'String') }}
            {% elif t.kind == 'achievement' %}
            SELECT user_id, achieved_at AS ts, event_id, tz, local_date, CAST({{ t.pos }} AS INTEGER) AS trigger,
                   achievement AS source, CAST({{ d.dec(t.points) }} AS Decimal(38, 6)) AS amount
            FROM {{ db }}.achievements {{ d.final() }}
            WHERE achievement = {{ p(t.achievement, 'String') }}
              AND seq > {{ d.u64('consumed') }} AND seq <= {{ d.u64('upstream') }} AND achieved_at <= {{ d.ts('as_of') }}
            {% else %}
            SELECT user_id, ts, event_id, tz, local_date, CAST({{ t.pos }} AS INTEGER) AS trigger,
                   concat(streak, ':', CAST(period AS String)) AS source, CAST({{ d.dec(t.points) }} AS Decimal(38, 6)) AS amount
            FROM {{ db }}.streak_milestones {{ d.final() }}
            WHERE streak = {{ p(t.streak, 'String') }} AND length = {{ d.i64(t.length) }}
              AND seq > {{ d.u64('consumed') }} AND seq <= {{ d.u64('upstream') }} AND ts <= {{ d.ts('as_of') }}
            {% endif %}
            {% if not loop.last %}UNION ALL{% endif %}

        {% endfor %}
        ) AS c
        WHERE amount != 0
    ),
    carried AS (
        SELECT user_id, argMax(total, seq) AS total
        FROM {{ db }}.progress
        WHERE scope = {{ p('scope', 'String') }} AND counter = '_total' AND seq <= {{ d.u64('committed') }}
          AND user_id IN (SELECT user_id FROM candidates)
        GROUP BY user_id
    ),
    numbered AS MATERIALIZED (
        SELECT *, row_number() OVER (PARTITION BY user_id ORDER BY ts, event_id, trigger) AS rn FROM candidates
    ),
    lists AS (
        SELECT n.user_id AS user_id, CAST(max(coalesce(c.total, 0)) AS Decimal(38, 6)) AS seed,
               {{ d.ordered_list('n.amount', 'n.rn') }} AS amounts
        FROM numbered AS n
        LEFT JOIN carried AS c ON c.user_id = n.user_id
        GROUP BY n.user_id
    ),
    folded AS (
        SELECT user_id, seed, {{ d.clamped_totals('amounts', 'seed', d.dec('cap')) }} AS totals FROM lists
    ),
    exploded AS (
        SELECT user_id, seed, totals, {{ d.indexes('totals') }} AS i FROM folded
    )
    SELECT {{ p('system', 'String') }} AS system, n.user_id AS user_id, n.ts AS ts, n.event_id AS event_id,
           n.trigger AS trigger, n.source AS source, n.tz AS tz, n.local_date AS local_date, n.amount AS requested,
           CAST(x.totals[x.i] - CASE WHEN x.i = 1 THEN x.seed ELSE x.totals[x.i - 1] END AS Decimal(38, 6)) AS points,
           x.totals[x.i] AS total, {{ d.u64('seq') }} AS seq
    FROM exploded AS x
    INNER JOIN numbered AS n ON n.user_id = x.user_id AND n.rn = x.i
)
