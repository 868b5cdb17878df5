{#- A final run's status row again, with the participants and late count left after an
    erasure, and whether an erasure amended its standings. -#}
{% import '_dialect.sql' as d with context %}
{{ d.insert('leaderboard_runs') }} (board, run, finalized_at, as_of, watermark_us, points_seq, participants, late, version, amended)
SELECT board, run, finalized_at, as_of, watermark_us, points_seq,
       {{ d.u64('participants') }}, {{ d.u64('late') }}, {{ d.u64('version') }},
       CASE WHEN {{ d.u64('amended') }} = 1 THEN 1 ELSE amended END
FROM {{ db }}.leaderboard_runs {{ d.final() }}
WHERE board = {{ p('board', 'String') }} AND run = {{ d.date('run') }}
