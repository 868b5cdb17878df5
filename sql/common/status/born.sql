{#- When the store's schema was first created (its first migration). -#}
SELECT min(applied_at) AS born FROM {{ db }}.schema_migrations
