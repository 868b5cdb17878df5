{#- The final leaderboard runs (any board) whose standings hold one of the users. -#}
{% import '_dialect.sql' as d with context %}
SELECT DISTINCT board, run FROM {{ db }}.leaderboard_final {{ d.final() }}
WHERE {{ d.in_list('user_id', 'ids') }}
ORDER BY board, run
