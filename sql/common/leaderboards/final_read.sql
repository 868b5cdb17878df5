{#- The first query of every read of a run, alone on the final read's path (its performance target is
    10 ms): a final run's standings for one group, with each user's rank and score in the
    previous run (0 and 0 when absent: ranks start at 1), the run's late count and whether an
    erasure amended it; no rows unless the run is final. -#}
{% import '_dialect.sql' as d with context %}
SELECT c.rank AS rank, c.user_id AS user_id, c.score AS score,
       coalesce(p.rank, 0) AS previous_rank, coalesce(p.score, 0) AS previous_score,
       p.user_id IS NOT NULL AND p.user_id != '' AS had_previous, s.late AS late,
       s.amended AS amended
FROM {{ db }}.leaderboard_final AS c {{ d.final() }}
CROSS JOIN (
    SELECT late, amended FROM {{ db }}.leaderboard_runs {{ d.final() }}
    WHERE board = {{ p('board', 'String') }} AND run = {{ d.date('run') }}
) AS s
LEFT JOIN (
    SELECT user_id, rank, score FROM {{ db }}.leaderboard_final {{ d.final() }}
    WHERE board = {{ p('board', 'String') }} AND run = {{ d.date('previous') }} AND grp = {{ p('grp', 'String') }}
) AS p ON p.user_id = c.user_id
WHERE c.board = {{ p('board', 'String') }} AND c.run = {{ d.date('run') }} AND c.grp = {{ p('grp', 'String') }}
ORDER BY c.rank
