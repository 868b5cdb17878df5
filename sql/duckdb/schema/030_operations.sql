{#- DuckDB twin of sql/clickhouse/schema/030_operations.sql. -#}
ALTER TABLE job_runs ADD COLUMN IF NOT EXISTS watermark_us BIGINT
;
ALTER TABLE job_runs ADD COLUMN IF NOT EXISTS detail VARCHAR DEFAULT ''
;
ALTER TABLE leaderboard_runs ADD COLUMN IF NOT EXISTS amended UTINYINT DEFAULT 0
