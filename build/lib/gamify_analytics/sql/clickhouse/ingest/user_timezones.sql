SELECT user_id, argMax(tz, updated_at) AS tz
FROM {{ db }}.users
WHERE user_id IN {{ p('user_ids', 'Array(String)') }}
GROUP BY user_id
