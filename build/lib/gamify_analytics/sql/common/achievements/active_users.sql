{#- Users with any event (the denominator of rarity), from the per-day aggregates. -#}
SELECT count(DISTINCT user_id) AS n FROM {{ db }}.daily_metrics
