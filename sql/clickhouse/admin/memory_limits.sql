{#- The memory limits this connection applies: each spilling operation's threshold. -#}
SELECT name, toUInt64(value) AS value FROM system.settings WHERE name LIKE 'max_bytes_before_external_%' ORDER BY name
