{#- Rows of the stage whose (user_id, metric, event_id) is already stored: a probe of the
    hash-ordered dedup index, never a scan of events. -#}
SELECT i
FROM {{ db }}.{{ stage_ident }}
WHERE reinterpretAsUInt128(sipHash128(user_id, metric, event_id)) IN (
    SELECT h FROM {{ db }}.event_keys
    WHERE h IN (SELECT reinterpretAsUInt128(sipHash128(user_id, metric, event_id)) FROM {{ db }}.{{ stage_ident }})
)
