{% if engine == 'clickhouse' %}TRUNCATE TABLE {{ db }}.tz_offsets{% else %}DELETE FROM tz_offsets{% endif %}
