{% import '_macros.sql' as m with context %}
{#- Dedup index: one 128-bit SipHash per stored (user_id, metric, event_id). -#}
CREATE TABLE IF NOT EXISTS {{ m.local('event_keys') }}{{ m.on_cluster() }}
(
    h UInt128
)
ENGINE = {{ m.engine('MergeTree', 'event_keys') }}
ORDER BY h
