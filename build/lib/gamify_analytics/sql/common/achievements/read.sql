{% import '_dialect.sql' as d with context %}
SELECT user_id, achievement, achieved_at, backdated, event_id
FROM {{ db }}.achievements {{ d.final() }}
{% if one_user %}
WHERE user_id = {{ p('user', 'String') }}
{% endif %}
ORDER BY user_id, achieved_at, achievement
