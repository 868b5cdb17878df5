{#- A final run's status row (a newer version replaces it). Whether an erasure amended the run
    is carried from the version before: a late recount keeps the mark. -#}
{% import '_dialect.sql' as d with context %}
{{ d.insert('leaderboard_runs') }} (board, run, finalized_at, as_of, watermark_us, points_seq, participants, late, version, amended)
SELECT {{ p('board', 'String') }}, {{ d.date('run') }}, {{ d.ts('finalized_at') }}, {{ d.ts('as_of') }},
       {{ d.i64('watermark_us') }}, {{ d.u64('points_seq') }}, {{ d.u64('participants') }}, {{ d.u64('late') }}, {{ d.u64('version') }},
       (SELECT coalesce(max(amended), 0) FROM {{ db }}.leaderboard_runs {{ d.final() }}
        WHERE board = {{ p('board', 'String') }} AND run = {{ d.date('run') }})
