SELECT value FROM {{ db }}.meta WHERE key = {{ p('key', 'String') }} ORDER BY updated_at DESC LIMIT 1
