{#- The zones of `tz_days` that skip a day (their daily ordinals are not arithmetic). -#}
SELECT DISTINCT tz FROM {{ db }}.tz_days WHERE NOT exists ORDER BY tz
