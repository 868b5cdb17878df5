INSERT OR IGNORE INTO rejects (kind, source, line, field, reason, raw)
SELECT kind, source, line, field, reason, raw FROM _gamify_batch
