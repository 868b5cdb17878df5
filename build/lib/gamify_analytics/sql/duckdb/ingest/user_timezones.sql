SELECT user_id, tz FROM users WHERE list_contains($user_ids, user_id)
