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
    SELECT c.user_id, {{ s.key('c.min_day') }} AS first_day, t.length, t.longest, t.balance, t.started,
           t.last_period, t.last_zone, t.last_start_ms, t.last_end_ms, t.last_ord, t.freezes_used
    FROM changed AS c
    JOIN streak_chains AS t ON t.user_id = c.user_id AND t.streak = $streak AND t.has_chain
    WHERE {{ s.key('c.min_day') }} > t.last_period
      AND CAST(({{ s.key('c.min_day') }} - DATE '1970-01-01') AS BIGINT) * 86400000 - 54000000 >= t.last_start_ms
)
