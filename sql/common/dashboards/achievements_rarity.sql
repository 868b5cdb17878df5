{#- Rarity as of date_to: completions earned by then ÷ users with an event by then, in
    percent; every selected achievement, completed or not. -#}
{% import '_dialect.sql' as d with context %}
{% import '_filters.sql' as f with context %}
WITH
done AS (
    SELECT achievement AS key, count(*) AS n FROM {{ db }}.achievements {{ d.final() }}
    WHERE local_date <= {{ d.date('date_to') }} AND {{ d.has(d.strs('achievements'), 'achievement') }}{{ f.of_users('user_id') }}
    GROUP BY achievement
),
active AS (
    SELECT count(DISTINCT user_id) AS n FROM {{ db }}.daily_metrics
    WHERE local_date <= {{ d.date('date_to') }}{{ f.of_users('user_id') }}
)
SELECT k.key AS achievement, CAST(coalesce(c.n, 0) AS BIGINT) AS completions, CAST(a.n AS BIGINT) AS users,
       CASE WHEN a.n > 0 THEN CAST(100 * coalesce(c.n, 0) AS DOUBLE) / a.n ELSE 0 END AS rarity_pct
FROM (SELECT {{ d.each(d.strs('achievements')) }} AS key) AS k
LEFT JOIN done AS c ON c.key = k.key
CROSS JOIN active AS a
ORDER BY achievement
