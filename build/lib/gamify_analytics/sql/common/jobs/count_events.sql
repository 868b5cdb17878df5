SELECT count(*) AS n FROM {{ db }}.events
