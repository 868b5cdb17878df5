{#- Retention curve: all cohorts pooled per day offset (those that reached it by date_to). -#}
WITH
{% include 'dashboards/_retention.sql' %},
pooled AS (
    SELECT day_offset, sum(cohort_users) AS total, sum(kept) AS total_kept FROM grid GROUP BY day_offset
)
SELECT CAST(day_offset AS BIGINT) AS day_offset, CAST(total AS BIGINT) AS users,
       CAST(total_kept AS BIGINT) AS retained, CAST(100 * total_kept AS DOUBLE) / total AS retained_pct
FROM pooled
ORDER BY day_offset
