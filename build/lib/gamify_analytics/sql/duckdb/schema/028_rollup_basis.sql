{#- What a build was computed from, beyond its fingerprint (JSON: the rules, the events
    watermark, the achievements and points runs), so the next build recomputes only the rows of
    the days that changed since (docs/dashboards.md "Rollups"). -#}
ALTER TABLE dashboard_rollups ADD COLUMN IF NOT EXISTS basis VARCHAR DEFAULT ''
