{#- Tables that hold rows of their own (not views). -#}
SELECT table_name AS name FROM information_schema.tables
WHERE table_schema = 'main' AND table_type = 'BASE TABLE'
ORDER BY name
