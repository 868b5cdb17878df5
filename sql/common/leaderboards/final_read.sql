{#- The first query of every read of a run, alone on the final read's path (its performance target
    is 10 ms): the run's row of `leaderboard_runs` (kind 'run': its late count and whether an
    erasure amended it; none unless the run is final), and the final standings of one group in
    the run and in the previous one (kind 'entry'), in one pass: the caller pairs each user with
    their previous rank (a join here cost two more scans on ClickHouse). -#}
{% import '_dialect.sql' as d with context %}
SELECT 'run' AS kind, run, CAST(0 AS BIGINT) AS rank, '' AS user_id,
       CAST(0 AS DECIMAL(38, 6)) AS score, CAST(late AS BIGINT) AS late,
       CAST(amended AS BIGINT) AS amended
FROM {{ db }}.leaderboard_runs {{ d.final() }}
WHERE board = {{ p('board', 'String') }} AND run = {{ d.date('run') }}
UNION ALL
SELECT 'entry' AS kind, run, CAST(rank AS BIGINT) AS rank, user_id,
       CAST(score AS DECIMAL(38, 6)) AS score, CAST(0 AS BIGINT) AS late, CAST(0 AS BIGINT) AS amended
FROM {{ db }}.leaderboard_final {{ d.final() }}
WHERE board = {{ p('board', 'String') }} AND grp = {{ p('grp', 'String') }}
  AND (run = {{ d.date('run') }} OR run = {{ d.date('previous') }})
