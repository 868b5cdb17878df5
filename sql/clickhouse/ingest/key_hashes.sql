{#- The dedup hash of each staged key, in the stage's row order. -#}
{% import 'ingest/_halves.sql' as k %}
SELECT {{ k.halves('reinterpretAsUInt128(sipHash128(user_id, metric, event_id))') }}
FROM {{ db }}.{{ stage_ident }}
ORDER BY i
