{% import '_macros.sql' as m with context %}
{#- Per zone and local date (zones in use only): the first instant whose local date is >= day,
    and the ordinal of the day among the days that exist in the zone. -#}
CREATE TABLE IF NOT EXISTS {{ m.local('tz_days', false) }}{{ m.on_cluster() }}
(
    tz LowCardinality(String),
    day Date,
    start_ms Int64,
    ordinal Int32,
    exists Bool
)
ENGINE = {{ m.engine('ReplacingMergeTree', 'tz_days', '', false) }}
ORDER BY (tz, day)
