{#- The memory limit this connection applies, in bytes. -#}
SELECT 'memory_limit' AS name, CAST(current_setting('memory_limit') AS VARCHAR) AS value
