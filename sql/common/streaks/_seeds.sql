{#- The streaks job, incremental: users whose new events all fall in periods after their stored
    last period (or after the one before it) continue their stored chain from that period
    (`seeds`); everyone else changed is recomputed.
    A period's start is at most 15 h before its key's UTC midnight, so a first new key whose
    midnight is 15 h past the stored period's start cannot be ordered before it.
    When the chain continues from the period before the stored last, that one is redone.
    `read_from`: the first day whose rows can matter. A period without new events keeps the
    qualification and zone it had, so only the periods of new events (and a redone last
    period) are read again, however long ago the seed's period was. Period starts come from
    `zone_days` (the days the store spans), not the whole of `tz_days`. -#}
{% import 'streaks/_macros.sql' as s with context %}
{% import '_dialect.sql' as d with context %}
changed AS (
    SELECT user_id, min(local_date) AS min_day
    FROM {{ db }}.events
    WHERE ingested_at > {{ d.ts('since') }}
       OR (ts > {{ d.ts('previous_as_of') }} AND ts <= {{ s.as_of() }})
    GROUP BY user_id
),
seeds AS MATERIALIZED (
    SELECT user_id,
           CASE WHEN from_last THEN length ELSE prev_length END AS length,
           CASE WHEN from_last THEN longest ELSE prev_longest END AS longest,
           CASE WHEN from_last THEN balance ELSE prev_balance END AS balance,
           CASE WHEN from_last THEN started ELSE prev_started END AS started,
           CASE WHEN from_last THEN last_period ELSE prev_period END AS last_period,
           CASE WHEN from_last THEN last_zone ELSE prev_zone END AS last_zone,
           CASE WHEN from_last THEN last_ord ELSE prev_ord END AS last_ord,
           CASE WHEN from_last THEN freezes_used ELSE prev_freezes_used END AS freezes_used,
           CASE WHEN from_last THEN x.first_key ELSE least(x.first_key, x.last_period) END AS read_from
    FROM (
        SELECT t.user_id AS user_id, t.length AS length, t.longest AS longest, t.balance AS balance,
               t.started AS started, t.last_period AS last_period, t.last_zone AS last_zone,
               t.last_ord AS last_ord, t.freezes_used AS freezes_used,
               t.prev_length AS prev_length, t.prev_longest AS prev_longest,
               t.prev_balance AS prev_balance, t.prev_started AS prev_started,
               t.prev_period AS prev_period, t.prev_zone AS prev_zone, t.prev_ord AS prev_ord,
               t.prev_freezes_used AS prev_freezes_used, c.first_key AS first_key,
               c.first_key > t.last_period AND c.earliest_start >= ls.start_ms AS from_last,
               t.has_prev AND c.first_key > t.prev_period AND c.earliest_start >= ps.start_ms AS from_prev
        FROM (
            SELECT user_id, {{ s.key('min_day') }} AS first_key,
                   {{ s.day_num(s.key('min_day')) }} * 86400000 - 54000000 AS earliest_start
            FROM changed
        ) AS c
        INNER JOIN (
            SELECT * FROM {{ db }}.streak_chains {{ s.final() }}
            WHERE streak = {{ p('streak', 'String') }} AND has_chain AND user_id IN (SELECT user_id FROM changed)
        ) AS t ON t.user_id = c.user_id
        -- the stored periods' start instants
        LEFT JOIN zone_days AS ls ON ls.tz = t.last_zone AND ls.day = t.last_period
        LEFT JOIN zone_days AS ps ON ps.tz = t.prev_zone AND ps.day = t.prev_period
    ) AS x
    WHERE from_last OR from_prev
)
