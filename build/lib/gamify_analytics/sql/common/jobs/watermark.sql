{#- The newest ingested_at, exactly (microseconds since the epoch): a later run treats rows
    ingested after it as new, so it must not be rounded down. -#}
{% import '_dialect.sql' as d with context %}
SELECT {{ d.epoch_us('max(ingested_at)') }} AS us FROM {{ db }}.events
