{#- The provisional runs whose stored snapshot holds one of the users. -#}
{% import '_dialect.sql' as d with context %}
SELECT DISTINCT board, run FROM {{ db }}.leaderboard_snapshot
WHERE {{ d.in_list('user_id', 'ids') }}
ORDER BY board, run
