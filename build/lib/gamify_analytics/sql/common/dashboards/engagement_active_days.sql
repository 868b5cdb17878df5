{#- Engagement: how many users were active on 1, 2, … distinct local dates of the range. -#}
WITH
{% include 'dashboards/_per_user.sql' %}
SELECT CAST(active_days AS BIGINT) AS active_days, CAST(count(*) AS BIGINT) AS users
FROM per_user GROUP BY active_days ORDER BY active_days
