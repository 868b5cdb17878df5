{#- Final runs of the selected boards in the range: participants and late contributions (the
    whole board, as finalized) and the kept standings' entries of the users the filters select. -#}
{% import '_dialect.sql' as d with context %}
{% import '_filters.sql' as f with context %}
SELECT r.board AS board, r.run AS run, CAST(r.participants AS BIGINT) AS participants,
       CAST(r.late AS BIGINT) AS late, CAST(coalesce(e.entries, 0) AS BIGINT) AS entries, r.finalized_at AS finalized_at
FROM (
    SELECT board, run, participants, late, finalized_at FROM {{ db }}.leaderboard_runs {{ d.final() }}
    WHERE {{ f.board_runs('board', 'run') }}
) AS r
LEFT JOIN (
    SELECT board, run, count(*) AS entries FROM {{ db }}.leaderboard_final {{ d.final() }}
    WHERE grp = '' AND {{ f.board_runs('board', 'run') }}{{ f.of_users('user_id') }}
    GROUP BY board, run
) AS e ON e.board = r.board AND e.run = r.run
ORDER BY board, run
