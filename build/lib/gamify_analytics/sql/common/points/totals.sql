{#- Each user's carried total per system, as of the last committed points run. -#}
{% import '_dialect.sql' as d with context %}
SELECT user_id, substr(scope, 8) AS system, argMax(total, seq) AS total
FROM {{ db }}.progress
WHERE scope LIKE 'points:%' AND counter = '_total' AND seq <= {{ d.u64('committed') }}
{% if one_user %}
AND user_id = {{ p('user', 'String') }}
{% endif %}
{% if some_users %}
AND {{ d.has(d.strs('users'), 'user_id') }}
{% endif %}
GROUP BY user_id, scope
ORDER BY user_id, system
