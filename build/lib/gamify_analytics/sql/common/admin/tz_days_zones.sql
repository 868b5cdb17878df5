SELECT DISTINCT tz FROM {{ db }}.tz_days
