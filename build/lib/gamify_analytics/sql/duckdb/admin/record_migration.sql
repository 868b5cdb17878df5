INSERT INTO schema_migrations (version, name) VALUES ({{ p('version', 'UInteger') }}, {{ p('name', 'String') }})
