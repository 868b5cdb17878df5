{#- Retention: users of each first-active-date cohort active again `day_offset` days later. -#}
WITH
{% include 'dashboards/_retention.sql' %}
SELECT cohort, CAST(day_offset AS BIGINT) AS day_offset, CAST(cohort_users AS BIGINT) AS users,
       CAST(kept AS BIGINT) AS retained, CAST(100 * kept AS DOUBLE) / cohort_users AS retained_pct
FROM grid
ORDER BY cohort, day_offset
