{#- Every user's qualifying periods in order as parallel lists (`arrays`), with k: the number of
    periods missed since the previous one, -1 for the first (docs/streaks.md).

    Most users keep one zone that skips no day: their periods' ordinals are arithmetic and k is
    the gap between consecutive ones. The others take the exact path: users whose periods are
    in several zones or in a zone that skips a day (`skip_zones`). There each period's start
    instant and ordinal come from `zone_days`, periods are ordered by start, and after a change
    of zone the previous zone's period holding the new start gives k.

    When the streaks job continues stored chains (`seeded`), each user's seed period leads the
    list (its k counts the first new period's gap) and is dropped before the fold. -#}
{% import 'streaks/_macros.sql' as s with context %}
{% import '_dialect.sql' as d with context %}
{% include 'streaks/_zone_days.sql' %},
{% include 'streaks/_periods.sql' %},
located AS (
    SELECT user_id, pkey, zone, false AS is_seed FROM qualifying
    {% if seeded %}
    UNION ALL
    SELECT user_id, last_period, last_zone, true FROM seeds
    {% endif %}
),
{#- each user's period ordinals, sorted, and whether the arithmetic holds for them -#}
per_user AS MATERIALIZED (
    SELECT user_id, {{ s.sorted_list(s.ord_of('pkey')) }} AS ords, min(zone) AS zmin, max(zone) AS zmax,
           max(CASE WHEN {{ d.has(d.strs('skip_zones'), 'zone') }} THEN 1 ELSE 0 END) AS skips
    FROM located
    GROUP BY user_id
),
exact_users AS (
    SELECT user_id FROM per_user WHERE zmin != zmax OR skips = 1
),
{#- the exact path -#}
exact_located AS (
    SELECT l.user_id AS user_id, l.pkey AS pkey, l.zone AS zone, b.start_ms AS start_ms,
           {% if frequency == 'daily' %}{{ s.int('b.ordinal') }} + {{ s.int(p('ord_base', 'Int64')) }}{% else %}{{ s.ord_of('l.pkey') }}{% endif %} AS ord
    FROM (SELECT * FROM located WHERE user_id IN (SELECT user_id FROM exact_users)) AS l
    INNER JOIN zone_days AS b ON b.tz = l.zone AND b.day = l.pkey
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
{#- parallel lists per user: ordinals, k, period keys (and zones for the history); the zone of
    the last period and of the one before -#}
arrays AS (
    SELECT user_id, ords, {{ s.gaps('ords') }} AS ks, {{ s.map('o', s.key_of_ord('o'), 'ords') }} AS pkeys,
           zmin AS last_zone, zmin AS prev_zone{% if with_history %}, {{ s.map('o', 'zmin', 'ords') }} AS zones{% endif %}

    FROM per_user
    WHERE zmin = zmax AND skips = 0
    UNION ALL
    SELECT user_id, {{ s.map('x', 'x.ord', 'a0') }}, {{ s.map('x', 'x.k', 'a0') }}, {{ s.map('x', 'x.pkey', 'a0') }},
           a0[-1].zone, {{ s.field('a0[-2]', 'zone') }}{% if with_history %}, {{ s.map('x', 'x.zone', 'a0') }}{% endif %}

    FROM exact
)
