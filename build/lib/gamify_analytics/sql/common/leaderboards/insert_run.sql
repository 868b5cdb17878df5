{% import '_dialect.sql' as d with context %}
{{ d.insert('leaderboard_runs') }} (board, run, finalized_at, as_of, watermark_us, points_seq, participants, late, version)
VALUES ({{ p('board', 'String') }}, {{ d.date('run') }}, {{ d.ts('finalized_at') }}, {{ d.ts('as_of') }},
        {{ d.i64('watermark_us') }}, {{ d.u64('points_seq') }}, {{ d.u64('participants') }}, {{ d.u64('late') }}, {{ d.u64('version') }})
