{#- The entries of `meta` whose key matches a LIKE pattern, at their latest value. -#}
SELECT key, argMax(value, updated_at) AS value FROM {{ db }}.meta
WHERE key LIKE {{ p('pattern', 'String') }}
GROUP BY key
ORDER BY key
