INSERT OR IGNORE INTO duplicates (source, line, user_id, metric, event_id)
SELECT source, line, user_id, metric, event_id FROM _gamify_batch
