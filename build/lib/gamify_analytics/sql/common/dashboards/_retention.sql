{#- Retention CTEs: each user's cohort (first local date with an event, over all history, of
    the metric when filtered) within the range, and per cohort and day offset 0…max_offset
    observed by date_to, the users of the cohort with an event on cohort + offset. -#}
{% import '_dialect.sql' as d with context %}
{% import '_filters.sql' as f with context %}
firsts AS (
    SELECT user_id, min(local_date) AS cohort FROM {{ db }}.daily_metrics
    WHERE local_date <= {{ d.date('date_to') }}{{ f.of_metric('metric') }}{{ f.of_users('user_id') }}
    GROUP BY user_id
    HAVING min(local_date) >= {{ d.date('date_from') }}
),
sizes AS (
    SELECT cohort, count(*) AS cohort_users FROM firsts GROUP BY cohort
),
returns AS (
    SELECT r.cohort AS cohort, r.day_offset AS day_offset, count(*) AS n
    FROM (
        SELECT DISTINCT a.user_id AS user_id, u.cohort AS cohort, a.local_date - u.cohort AS day_offset
        FROM {{ db }}.daily_metrics AS a
        INNER JOIN firsts AS u ON u.user_id = a.user_id
        WHERE {{ f.in_range('a.local_date') }}{{ f.of_metric('a.metric') }}
          AND a.local_date <= u.cohort + {{ p('max_offset', 'Int32') }}
    ) AS r
    GROUP BY r.cohort, r.day_offset
),
grid AS (
    SELECT s.cohort AS cohort, o.n AS day_offset, s.cohort_users AS cohort_users, coalesce(r.n, 0) AS kept
    FROM sizes AS s
    CROSS JOIN {{ d.numbers(p('max_offset', 'Int32') ~ ' + 1') }} AS o
    LEFT JOIN returns AS r ON r.cohort = s.cohort AND r.day_offset = o.n
    WHERE s.cohort + o.n <= {{ d.date('date_to') }}
)
