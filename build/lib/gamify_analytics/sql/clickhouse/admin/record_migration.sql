INSERT INTO {{ db }}.schema_migrations (version, name) VALUES ({{ p('version', 'UInt32') }}, {{ p('name', 'String') }})
