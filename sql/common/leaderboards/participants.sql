{% import '_dialect.sql' as d with context %}
SELECT count(*) AS n FROM {{ db }}.leaderboard_final
WHERE board = {{ p('board', 'String') }} AND run = {{ d.date('run') }} AND grp = ''
