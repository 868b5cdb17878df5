{% import '_macros.sql' as m with context %}
{#- The pinned tzdata as rows: offset_s holds from from_ms until the zone's next row. -#}
CREATE TABLE IF NOT EXISTS {{ m.local('tz_offsets', false) }}{{ m.on_cluster() }}
(
    tz LowCardinality(String),
    from_ms Int64,
    offset_s Int32
)
ENGINE = {{ m.engine('MergeTree', 'tz_offsets', '', false) }}
ORDER BY (tz, from_ms)
