INSERT OR REPLACE INTO users (user_id, tz, created_at, attributes, updated_at)
SELECT user_id, tz, created_at, attributes, current_timestamp FROM _gamify_batch
