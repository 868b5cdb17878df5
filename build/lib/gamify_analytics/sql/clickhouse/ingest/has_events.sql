SELECT count() > 0 FROM {{ db }}.event_keys
