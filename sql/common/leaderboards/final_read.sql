{#- The first query of every read of a run (one query: the final read's §13 target is 10 ms).
    Entry rows (`kind` 'entry'): a final run's standings for one group, with each user's rank
    and score in the previous run (0 and 0 when absent: ranks start at 1) and the run's late
    count; none unless the run is final. State rows: which of the run and the one before are
    final ('final', `n`: late count) and which have a snapshot ('snapshot', `n`: whether it
    holds every participant, and what it had read). -#}
{% import '_dialect.sql' as d with context %}
SELECT * FROM (
SELECT 'entry' AS kind, c.run AS run, c.rank AS rank, c.user_id AS user_id, c.score AS score,
       coalesce(p.rank, 0) AS previous_rank, coalesce(p.score, 0) AS previous_score,
       p.user_id IS NOT NULL AND p.user_id != '' AS had_previous, s.late AS n,
       0 AS snap, NULL AS as_of, 0 AS watermark_us, 0 AS points_seq
FROM {{ db }}.leaderboard_final AS c {{ d.final() }}
CROSS JOIN (
    SELECT late FROM {{ db }}.leaderboard_runs {{ d.final() }}
    WHERE board = {{ p('board', 'String') }} AND run = {{ d.date('run') }}
) AS s
LEFT JOIN (
    SELECT user_id, rank, score FROM {{ db }}.leaderboard_final {{ d.final() }}
    WHERE board = {{ p('board', 'String') }} AND run = {{ d.date('previous') }} AND grp = {{ p('grp', 'String') }}
) AS p ON p.user_id = c.user_id
WHERE c.board = {{ p('board', 'String') }} AND c.run = {{ d.date('run') }} AND c.grp = {{ p('grp', 'String') }}
UNION ALL
SELECT 'final' AS kind, run, 0, '', 0, 0, 0, false, late AS n, 0, as_of, watermark_us, points_seq
FROM {{ db }}.leaderboard_runs {{ d.final() }}
WHERE board = {{ p('board', 'String') }} AND run IN ({{ d.date('run') }}, {{ d.date('previous') }})
UNION ALL
SELECT 'snapshot' AS kind, run, 0, '', 0, 0, 0, false, complete AS n, snap, as_of, watermark_us, points_seq
FROM {{ db }}.leaderboard_snapshot_runs {{ d.final() }}
WHERE board = {{ p('board', 'String') }} AND run IN ({{ d.date('run') }}, {{ d.date('previous') }})
) AS r
ORDER BY kind, rank
