{#- The streaks job, incremental: users whose new events all fall in periods after their stored
    last period (or after the one before it) continue their stored chain from that period
    (`seeds`); everyone else changed is recomputed.
    A period's start is at most 15 h before its key's UTC midnight, so a first new key whose
    midnight is 15 h past the stored last start cannot be ordered before the stored period. -#}
{% import 'streaks/_macros.sql' as s with context %}
changed AS (
    SELECT user_id, min(local_date) AS min_day
    FROM {{ db }}.events
    WHERE ingested_at > {{ p('since', "DateTime64(3, 'UTC')") }}
       OR (ts > {{ p('previous_as_of', "DateTime64(3, 'UTC')") }} AND ts <= {{ s.as_of() }})
    GROUP BY user_id
),
seeds AS MATERIALIZED (
    -- continue from the stored last period when every change is after it, else from the one
    -- before it when every change is after that (the last period itself is redone)
    SELECT user_id, first_day,
           if(from_last, t.length, t.prev_length) AS length,
           if(from_last, t.longest, t.prev_longest) AS longest,
           if(from_last, t.balance, t.prev_balance) AS balance,
           if(from_last, t.started, t.prev_started) AS started,
           if(from_last, t.last_period, t.prev_period) AS last_period,
           if(from_last, t.last_zone, t.prev_zone) AS last_zone,
           if(from_last, t.last_start_ms, t.prev_start_ms) AS last_start_ms,
           if(from_last, t.last_end_ms, t.prev_end_ms) AS last_end_ms,
           if(from_last, t.last_ord, t.prev_ord) AS last_ord,
           if(from_last, t.freezes_used, t.prev_freezes_used) AS freezes_used
    FROM (
        SELECT c.user_id AS user_id, {{ s.key('c.min_day') }} AS first_day,
               toInt64(dateDiff('day', toDate('1970-01-01'), first_day)) * 86400000 - 54000000 AS earliest_start,
               first_day > t.last_period AND earliest_start >= t.last_start_ms AS from_last,
               t.has_prev AND first_day > t.prev_period AND earliest_start >= t.prev_start_ms AS from_prev,
               t.*
        FROM changed AS c
        INNER JOIN (
            SELECT * FROM {{ db }}.streak_chains FINAL
            WHERE streak = {{ p('streak', 'String') }} AND has_chain AND user_id IN (SELECT user_id FROM changed)
        ) AS t ON t.user_id = c.user_id
    ) AS t
    WHERE from_last OR from_prev
)
