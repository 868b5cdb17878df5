{% import '_macros.sql' as m with context %}
{#- What a build was computed from, beyond its fingerprint (JSON: the rules, the events
    watermark, the achievements and points runs), so the next build recomputes only the rows of
    the days that changed since (docs/dashboards.md "Rollups"). -#}
ALTER TABLE {{ m.local('dashboard_rollups', false) }}{{ m.on_cluster() }}
    ADD COLUMN IF NOT EXISTS basis String DEFAULT ''
