SELECT DISTINCT version FROM {{ db }}.schema_migrations ORDER BY version
