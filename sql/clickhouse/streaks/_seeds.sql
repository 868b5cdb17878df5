{#- The streaks job, incremental: users whose new events all fall in periods after their stored
    last period can continue their stored chain (`seeds`); everyone else changed is recomputed.
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
    SELECT c.user_id AS user_id, {{ s.key('c.min_day') }} AS first_day, t.length AS length, t.longest AS longest,
           t.balance AS balance, t.started AS started, t.last_period AS last_period, t.last_zone AS last_zone,
           t.last_start_ms AS last_start_ms, t.last_end_ms AS last_end_ms, t.last_ord AS last_ord,
           t.freezes_used AS freezes_used
    FROM changed AS c
    INNER JOIN (
        SELECT * FROM {{ db }}.streak_chains FINAL
        WHERE streak = {{ p('streak', 'String') }} AND has_chain AND user_id IN (SELECT user_id FROM changed)
    ) AS t ON t.user_id = c.user_id
    WHERE {{ s.key('c.min_day') }} > t.last_period
      AND toInt64(dateDiff('day', toDate('1970-01-01'), {{ s.key('c.min_day') }})) * 86400000 - 54000000 >= t.last_start_ms
)
