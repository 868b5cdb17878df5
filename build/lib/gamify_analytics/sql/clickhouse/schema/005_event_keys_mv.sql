{% import '_macros.sql' as m with context %}
CREATE MATERIALIZED VIEW IF NOT EXISTS {{ db }}.event_keys_mv{{ m.on_cluster() }}
TO {{ m.local('event_keys') }}
AS SELECT reinterpretAsUInt128(sipHash128(user_id, metric, event_id)) AS h
FROM {{ m.local('events') }}
