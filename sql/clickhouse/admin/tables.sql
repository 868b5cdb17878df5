SELECT name FROM system.tables WHERE database = {{ p('database', 'String') }} ORDER BY name
