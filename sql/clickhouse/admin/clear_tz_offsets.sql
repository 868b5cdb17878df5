TRUNCATE TABLE {{ db }}.tz_offsets
