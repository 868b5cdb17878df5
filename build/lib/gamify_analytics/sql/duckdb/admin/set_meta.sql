INSERT OR REPLACE INTO meta (key, value, updated_at) VALUES ($key, $value, current_timestamp)
