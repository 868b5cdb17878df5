{% import '_dialect.sql' as d with context %}
{#- The dedup index holds a hash per stored event key: those of the users' events go with
    them (read before the events are deleted), so the index holds the keys of stored events
    only. -#}
h IN (
    SELECT reinterpretAsUInt128(sipHash128(user_id, metric, event_id)) FROM {{ db }}.events
    WHERE {{ d.in_list('user_id', 'ids') }}
)
