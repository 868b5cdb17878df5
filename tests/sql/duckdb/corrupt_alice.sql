UPDATE daily_metrics SET value_sum = value_sum + 5
WHERE user_id = 'alice' AND metric = 'lessons' AND local_date = '2024-03-10'
;
UPDATE points_ledger SET points = points + 1
WHERE user_id = 'alice' AND event_id = 'g1'
