{#- How many users took part in a final run (non-zero score), as finalize stored it. -#}
{% import '_dialect.sql' as d with context %}
SELECT participants AS n FROM {{ db }}.leaderboard_final
WHERE board = {{ p('board', 'String') }} AND run = {{ d.date('run') }} AND grp = '' AND rank = 1
