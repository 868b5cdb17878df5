{#- Every stored key's dedup hash: the index, read once by an ingest into a store that holds
    events (ingest/dedup.py). -#}
{% import 'ingest/_hash.sql' as k %}
SELECT {{ k.halves('h') }}
FROM {{ db }}.event_keys
