{% import '_macros.sql' as m with context %}
{#- What the `dashboards` job keeps (docs/dashboards.md "Rollups"): each panel's rows over the
    whole stored range, as of the data named by `fingerprint`, one build per dashboard at a
    time (`built`; older builds are pruned once a newer one is stored). `payload` is the
    panel's frame, Arrow IPC in base64. -#}
CREATE TABLE IF NOT EXISTS {{ m.local('dashboard_rollups', false) }}{{ m.on_cluster() }}
(
    dashboard LowCardinality(String),
    built UInt64,
    panel String,
    fingerprint String,
    first_day Date,
    last_day Date,
    payload String
)
ENGINE = {{ m.engine('MergeTree', 'dashboard_rollups', '', false) }}
ORDER BY (dashboard, built, panel)
