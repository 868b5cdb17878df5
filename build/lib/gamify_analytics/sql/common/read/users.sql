SELECT user_id, tz, created_at, attributes
FROM {{ db }}.users{% if engine == 'clickhouse' %} FINAL{% endif %}

ORDER BY user_id
