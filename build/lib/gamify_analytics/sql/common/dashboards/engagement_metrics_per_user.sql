{#- Engagement breadth: how many users used 1, 2, … distinct metrics in the range. -#}
WITH
{% include 'dashboards/_per_user.sql' %}
SELECT CAST(metrics AS BIGINT) AS metrics, CAST(count(*) AS BIGINT) AS users
FROM per_user GROUP BY metrics ORDER BY metrics
