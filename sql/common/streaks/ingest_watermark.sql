SELECT max(ingested_at) AS watermark FROM {{ db }}.events
