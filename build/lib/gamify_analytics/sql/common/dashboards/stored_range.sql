{#- The local dates the store holds events for (n = 0: none), from the per-day aggregates. -#}
SELECT min(local_date) AS first_day, max(local_date) AS last_day, count(*) AS n FROM {{ db }}.daily_metrics
