{#- The dedup hash of each staged key, in the stage's row order. -#}
{% import 'ingest/_hash.sql' as k %}
SELECT {{ k.halves(k.key_hash()) }}
FROM {{ db }}.{{ stage_ident }}
ORDER BY i
