{#- The points job for one system (docs/achievements.md): this run's award candidates
    (metric triggers over the new events with carried running totals; completions and
    milestones stored since the previous run, or fallen due since its as-of) applied per user in (ts, event_id, trigger)
    order on top of the carried total, clamped to [0, max_points]; one ledger row each. -#}
{% import 'jobs/_bucket.sql' as b with context %}
{% import '_dialect.sql' as d with context %}
{% import 'points/_window.sql' as w with context %}
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
              AND {{ w.new_upstream('achieved_at') }}
              {% if bucketed %}AND {{ b.of_bucket('user_id') }}{% endif %}

            {% else %}
            SELECT user_id, ts, event_id, tz, local_date, CAST({{ t.pos }} AS INTEGER) AS trigger,
                   concat(streak, ':', CAST(period AS String)) AS source, CAST({{ d.dec(t.points) }} AS Decimal(38, 6)) AS amount
            FROM {{ db }}.streak_milestones {{ d.final() }}
            WHERE streak = {{ p(t.streak, 'String') }} AND length = {{ d.i64(t.length) }}
              AND {{ w.new_upstream('ts') }}
              {% if bucketed %}AND {{ b.of_bucket('user_id') }}{% endif %}

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
    -- the running total without clamping: where it stays within [0, cap], clamping never acts
    numbered AS MATERIALIZED (
        SELECT c.*, CAST(coalesce(s.total, 0) AS Decimal(38, 6)) AS seed,
               row_number() OVER w AS rn,
               CAST(coalesce(s.total, 0) + sum(c.amount) OVER w AS Decimal(38, 6)) AS plain
        FROM candidates AS c
        LEFT JOIN carried AS s ON s.user_id = c.user_id
        WINDOW w AS (PARTITION BY c.user_id ORDER BY c.ts, c.event_id, c.trigger ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
    ),
    clamped_users AS MATERIALIZED (
        SELECT user_id FROM numbered GROUP BY user_id
        HAVING min(plain) < 0 OR max(plain) > {{ d.dec('cap') }}
    ),
    -- the others are folded award by award
    folded AS (
        SELECT user_id, seed, {{ d.clamped_totals('amounts', 'seed', d.dec('cap')) }} AS totals
        FROM (
            SELECT user_id, max(seed) AS seed, {{ d.ordered_list('amount', 'rn') }} AS amounts
            FROM numbered WHERE user_id IN (SELECT user_id FROM clamped_users)
            GROUP BY user_id
        ) AS l
    ),
    exploded AS (
        SELECT user_id, seed, totals, {{ d.indexes('totals') }} AS i FROM folded
    )
    SELECT {{ p('system', 'String') }} AS system, user_id, ts, event_id, trigger, source, tz, local_date,
           amount AS requested, amount AS points, plain AS total, {{ d.u64('seq') }} AS seq
    FROM numbered
    WHERE user_id NOT IN (SELECT user_id FROM clamped_users)
    UNION ALL
    SELECT {{ p('system', 'String') }} AS system, n.user_id AS user_id, n.ts AS ts, n.event_id AS event_id,
           n.trigger AS trigger, n.source AS source, n.tz AS tz, n.local_date AS local_date, n.amount AS requested,
           CAST(x.totals[x.i] - CASE WHEN x.i = 1 THEN x.seed ELSE x.totals[x.i - 1] END AS Decimal(38, 6)) AS points,
           x.totals[x.i] AS total, {{ d.u64('seq') }} AS seq
    FROM exploded AS x
    INNER JOIN numbered AS n ON n.user_id = x.user_id AND n.rn = x.i
)
