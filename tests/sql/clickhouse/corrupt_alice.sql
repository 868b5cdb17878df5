ALTER TABLE {{ db }}.daily_metrics UPDATE value_sum = value_sum + 5
WHERE user_id = 'alice' AND metric = 'lessons' AND local_date = '2024-03-10'
SETTINGS mutations_sync = 2
;
ALTER TABLE {{ db }}.points_ledger UPDATE points = points + 1
WHERE user_id = 'alice' AND event_id = 'g1'
SETTINGS mutations_sync = 2
