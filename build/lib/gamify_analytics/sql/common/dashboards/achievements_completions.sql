{#- Completions per local date (of the event that earned them) and achievement. -#}
{% import '_dialect.sql' as d with context %}
{% import '_filters.sql' as f with context %}
SELECT local_date AS day, achievement, CAST(count(*) AS BIGINT) AS completions
FROM {{ db }}.achievements {{ d.final() }}
WHERE {{ f.in_range('local_date') }} AND {{ d.has(d.strs('achievements'), 'achievement') }}{{ f.of_users('user_id') }}
GROUP BY local_date, achievement
ORDER BY day, achievement
