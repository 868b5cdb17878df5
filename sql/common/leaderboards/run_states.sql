{#- Which of a run and the one before are final ('final', `n`: the late count) and which have
    a snapshot ('snapshot', `n`: whether it holds every participant; and what it had read);
    `amended`: whether an erasure amended a final run. -#}
{% import '_dialect.sql' as d with context %}
SELECT 'final' AS kind, run, 0 AS snap, as_of, watermark_us, points_seq, late AS n, amended
FROM {{ db }}.leaderboard_runs {{ d.final() }}
WHERE board = {{ p('board', 'String') }} AND run IN ({{ d.date('run') }}, {{ d.date('previous') }})
UNION ALL
SELECT 'snapshot' AS kind, run, snap, as_of, watermark_us, points_seq, complete AS n, 0 AS amended
FROM {{ db }}.leaderboard_snapshot_runs {{ d.final() }}
WHERE board = {{ p('board', 'String') }} AND run IN ({{ d.date('run') }}, {{ d.date('previous') }})
