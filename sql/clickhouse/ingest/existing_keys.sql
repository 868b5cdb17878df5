{#- Rows of the stage whose (user_id, metric, event_id) is already stored: a probe of the
    hash-ordered dedup index, never a scan of events. -#}
{% import 'ingest/_hash.sql' as k %}
SELECT i
FROM {{ db }}.{{ stage_ident }}
WHERE {{ k.key_hash() }} IN (
    SELECT h FROM {{ db }}.event_keys
    WHERE h IN (SELECT {{ k.key_hash() }} FROM {{ db }}.{{ stage_ident }})
)
