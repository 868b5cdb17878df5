{#- Every group's standings of one final run, in rank order. -#}
{% import '_dialect.sql' as d with context %}
SELECT grp, rank, user_id, score, last_change, participants
FROM {{ db }}.leaderboard_final {{ d.final() }}
WHERE board = {{ p('board', 'String') }} AND run = {{ d.date('run') }}
ORDER BY grp, rank
