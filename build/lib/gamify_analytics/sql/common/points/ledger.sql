{% import '_dialect.sql' as d with context %}
SELECT system, user_id, ts, event_id, trigger, source, tz, local_date, requested, points, total
FROM {{ db }}.points_ledger {{ d.final() }}
WHERE true
{% if one_system %}
AND system = {{ p('system', 'String') }}
{% endif %}
{% if one_user %}
AND user_id = {{ p('user', 'String') }}
{% endif %}
ORDER BY system, user_id, ts, event_id, trigger
