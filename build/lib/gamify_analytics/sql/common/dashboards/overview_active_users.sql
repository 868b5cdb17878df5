{#- Overview: daily, weekly and monthly active users on each local date D of the range (users
    with an event on D, in D-6…D, in D-29…D), exact. Each user's active days become disjoint
    coverage intervals per window W: [max(day, previous active day + W), day + W), so a
    running sum of +1/-1 over the calendar counts each user once per date. -#}
{% import '_dialect.sql' as d with context %}
{% import '_filters.sql' as f with context %}
WITH
active AS (
    SELECT DISTINCT user_id, local_date FROM {{ db }}.daily_metrics
    WHERE {{ f.in_range('local_date', d.date('date_from') ~ ' - 29') }}
      {{ f.of_metric('metric') }}{{ f.of_users('user_id') }}
),
spans AS (
    SELECT local_date,
           coalesce(max(local_date) OVER (PARTITION BY user_id ORDER BY local_date ROWS BETWEEN 1 PRECEDING AND 1 PRECEDING),
                    CAST('1970-01-01' AS DATE)) AS prev
    FROM active
),
steps AS (
    {% for w in (1, 7, 30) %}
    SELECT greatest(local_date, prev + {{ w }}) AS day, {{ w }} AS w, 1 AS delta FROM spans
    UNION ALL
    SELECT local_date + {{ w }} AS day, {{ w }} AS w, -1 AS delta FROM spans
    {% if not loop.last %}UNION ALL{% endif %}

    {% endfor %}
),
per_day AS (
    SELECT day,
           sum(CASE WHEN w = 1 THEN delta ELSE 0 END) AS d1,
           sum(CASE WHEN w = 7 THEN delta ELSE 0 END) AS d7,
           sum(CASE WHEN w = 30 THEN delta ELSE 0 END) AS d30
    FROM steps GROUP BY day
),
running AS (
    SELECT c.day AS day,
           sum(coalesce(s.d1, 0)) OVER w AS dau,
           sum(coalesce(s.d7, 0)) OVER w AS wau,
           sum(coalesce(s.d30, 0)) OVER w AS mau
    FROM {{ f.calendar(d.date('date_from') ~ ' - 29') }} AS c
    LEFT JOIN per_day AS s ON s.day = c.day
    WINDOW w AS (ORDER BY c.day ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
)
SELECT day, CAST(dau AS BIGINT) AS dau, CAST(wau AS BIGINT) AS wau, CAST(mau AS BIGINT) AS mau
FROM running
WHERE day >= {{ d.date('date_from') }}
ORDER BY day
