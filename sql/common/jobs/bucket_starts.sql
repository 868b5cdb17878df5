{#- Where a full recompute's user ranges start (gamify_analytics/watermarks.py `buckets`):
    users in id order, a new range at the user whose events carry the running count past each
    multiple of `per`. Ranges of the table's leading key read only their own granules (a hash
    bucket reads the whole table once per bucket). -#}
SELECT user_id FROM (
    SELECT user_id, n,
           sum(n) OVER (ORDER BY user_id ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS c
    FROM (SELECT user_id, count(*) AS n FROM {{ db }}.events GROUP BY user_id) AS per_user
) AS running
WHERE c - n > 0 AND floor((c - n) / {{ p('per', 'Int64') }}) < floor(c / {{ p('per', 'Int64') }})
ORDER BY user_id
