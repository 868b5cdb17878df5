{#- DuckDB twin of sql/clickhouse/streaks/_seeds.sql. -#}
{% import 'streaks/_macros.sql' as s with context %}
changed AS (
    SELECT user_id, min(local_date) AS min_day
    FROM events
    WHERE ingested_at > CAST($since AS TIMESTAMP)
       OR (ts > CAST($previous_as_of AS TIMESTAMP) AND ts <= {{ s.as_of() }})
    GROUP BY user_id
),
seeds AS MATERIALIZED (
    SELECT user_id, first_day,
           CASE WHEN from_last THEN length ELSE prev_length END AS length,
           CASE WHEN from_last THEN longest ELSE prev_longest END AS longest,
           CASE WHEN from_last THEN balance ELSE prev_balance END AS balance,
           CASE WHEN from_last THEN started ELSE prev_started END AS started,
           CASE WHEN from_last THEN last_period ELSE prev_period END AS last_period,
           CASE WHEN from_last THEN last_zone ELSE prev_zone END AS last_zone,
           CASE WHEN from_last THEN last_start_ms ELSE prev_start_ms END AS last_start_ms,
           CASE WHEN from_last THEN last_end_ms ELSE prev_end_ms END AS last_end_ms,
           CASE WHEN from_last THEN last_ord ELSE prev_ord END AS last_ord,
           CASE WHEN from_last THEN freezes_used ELSE prev_freezes_used END AS freezes_used
    FROM (
        SELECT t.*, c.first_day,
               c.first_day > t.last_period AND c.earliest_start >= t.last_start_ms AS from_last,
               t.has_prev AND c.first_day > t.prev_period AND c.earliest_start >= t.prev_start_ms AS from_prev
        FROM (
            SELECT user_id, {{ s.key('min_day') }} AS first_day,
                   CAST(({{ s.key('min_day') }} - DATE '1970-01-01') AS BIGINT) * 86400000 - 54000000 AS earliest_start
            FROM changed
        ) AS c
        JOIN streak_chains AS t ON t.user_id = c.user_id AND t.streak = $streak AND t.has_chain
    )
    WHERE from_last OR from_prev
)
