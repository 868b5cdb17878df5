{#- Events per user (from the per-day aggregates): the `top` busiest users, how many users and
    events there are, and the events of the busiest 1 % of users (at least one user). -#}
{% import '_dialect.sql' as d with context %}
WITH per_user AS (
    SELECT user_id, CAST(sum(events) AS BIGINT) AS n FROM {{ db }}.daily_metrics GROUP BY user_id
),
ranked AS (
    SELECT user_id, n, row_number() OVER (ORDER BY n DESC, user_id) AS k,
           count(*) OVER () AS users, sum(n) OVER () AS total
    FROM per_user
),
shares AS (
    SELECT user_id, n, k, users, total,
           sum(CASE WHEN k <= {{ d.floordiv('users + 99', '100') }} THEN n ELSE 0 END) OVER () AS top_events
    FROM ranked
)
SELECT user_id, n AS events, k AS rank, users, CAST(total AS BIGINT) AS total,
       CAST(top_events AS BIGINT) AS top_events
FROM shares
WHERE k <= {{ d.i64('top') }}
ORDER BY k
