{#- Every user's qualifying periods in order as one list (`arrays.a`), each with k: the number
    of periods missed since the previous one, -1 for the first (docs/streaks.md).

    Most users keep one zone that skips no day: their periods' ordinals are arithmetic and k is
    the gap between consecutive ones. The others take the exact path: users whose periods are
    in several zones or in a zone that skips a day (`skip_zones`). There each period's start
    instant and ordinal come from `zone_days`, periods are ordered by start, and after a change
    of zone the previous zone's period holding the new start gives k.

    When the streaks job continues stored chains (`seeded`), each user's seed period leads the
    list (its k counts the first new period's gap) and is dropped before the fold. -#}
{% import 'streaks/_macros.sql' as s with context %}
{% import '_dialect.sql' as d with context %}
{% include 'streaks/_periods.sql' %},
{% include 'streaks/_zone_days.sql' %},
located AS (
    SELECT user_id, pkey, zone, false AS is_seed FROM qualifying
    {% if seeded %}
    UNION ALL
    SELECT user_id, last_period, last_zone, true FROM seeds
    {% endif %}
),
exact_users AS MATERIALIZED (
    SELECT user_id FROM located
    GROUP BY user_id
    HAVING min(zone) != max(zone) OR max(CASE WHEN {{ d.has(d.strs('skip_zones'), 'zone') }} THEN 1 ELSE 0 END) = 1
),
plain AS (
    SELECT user_id, {{ s.sorted_list(s.record([('pkey', 'Date', 'pkey'), ('zone', 'String', 'zone'), ('ord', 'Int64', s.ord_of('pkey'))])) }} AS a0
    FROM located
    WHERE user_id NOT IN (SELECT user_id FROM exact_users)
    GROUP BY user_id
),
{#- the exact path -#}
exact_located AS (
    SELECT l.user_id AS user_id, l.pkey AS pkey, l.zone AS zone, b.start_ms AS start_ms,
           {% if frequency == 'daily' %}{{ s.int('b.ordinal') }} + {{ s.int(p('ord_base', 'Int64')) }}{% else %}{{ s.ord_of('l.pkey') }}{% endif %} AS ord
    FROM located AS l
    INNER JOIN zone_days AS b ON b.tz = l.zone AND b.day = l.pkey
    WHERE l.user_id IN (SELECT user_id FROM exact_users)
),
exact_ordered AS MATERIALIZED (
    SELECT *,
        row_number() OVER w AS rn,
        {{ s.lag('zone') }} OVER w AS prev_zone,
        {{ s.lag('ord') }} OVER w AS prev_ord
    FROM exact_located
    WINDOW w AS (PARTITION BY user_id ORDER BY start_ms, pkey ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
),
{#- after a change of zone: the ordinal, in the previous zone, of the period holding this start -#}
exact_moved AS (
    SELECT m.user_id AS user_id, m.pkey AS pkey,
           {% if frequency == 'daily' %}{{ s.int('c.ordinal') }} + {{ s.int(p('ord_base', 'Int64')) }}{% else %}{{ s.ord_of('m.c_key') }}{% endif %} AS c_ord
    FROM (
        SELECT o.user_id AS user_id, o.pkey AS pkey, o.prev_zone AS prev_zone,
               {{ s.key(s.day_of('o.start_ms', 'z.offset_s')) }} AS c_key
        FROM (SELECT user_id, pkey, prev_zone, start_ms FROM exact_ordered WHERE rn > 1 AND prev_zone != zone) AS o
        ASOF LEFT JOIN {{ db }}.tz_offsets AS z ON z.tz = o.prev_zone AND {{ s.asof_after('o.start_ms', 'z.from_ms') }}
    ) AS m
    {% if frequency == 'daily' %}INNER JOIN zone_days AS c ON c.tz = m.prev_zone AND c.day = m.c_key{% endif %}
),
exact AS (
    SELECT o.user_id AS user_id,
           {{ s.sorted_list(s.record([('start_ms', 'Int64', 'o.start_ms'), ('pkey', 'Date', 'o.pkey'), ('zone', 'String', 'o.zone'), ('ord', 'Int64', 'o.ord'),
                                      ('k', 'Int64', 'CASE WHEN o.rn = 1 THEN -1 ELSE greatest(0, CASE WHEN o.prev_zone = o.zone THEN o.ord ELSE m.c_ord END - o.prev_ord - 1) END')])) }} AS a0
    FROM exact_ordered AS o
    LEFT JOIN exact_moved AS m ON m.user_id = o.user_id AND m.pkey = o.pkey
    GROUP BY o.user_id
),
arrays AS (
    SELECT user_id,
           {{ s.map_i('i', s.record([('pkey', 'Date', 'a0[i].pkey'), ('zone', 'String', 'a0[i].zone'), ('ord', 'Int64', 'a0[i].ord'),
                                     ('k', 'Int64', 'CASE WHEN i = 1 THEN -1 ELSE a0[i].ord - a0[i - 1].ord - 1 END')]), 'a0') }} AS a
    FROM plain
    UNION ALL
    SELECT user_id, {{ s.map('x', s.record([('pkey', 'Date', 'x.pkey'), ('zone', 'String', 'x.zone'), ('ord', 'Int64', 'x.ord'), ('k', 'Int64', 'x.k')]), 'a0') }} AS a
    FROM exact
)
