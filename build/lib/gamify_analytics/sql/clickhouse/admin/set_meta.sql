INSERT INTO {{ db }}.meta (key, value) VALUES ({{ p('key', 'String') }}, {{ p('value', 'String') }})
