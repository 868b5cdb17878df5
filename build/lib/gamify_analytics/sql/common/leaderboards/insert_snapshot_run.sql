{#- Written after the snapshot's rows: from then on reads use them. -#}
{% import '_dialect.sql' as d with context %}
{{ d.insert('leaderboard_snapshot_runs') }} (board, run, snap, as_of, watermark_us, points_seq, complete)
VALUES ({{ p('board', 'String') }}, {{ d.date('run') }}, {{ d.u64('snap') }}, {{ d.ts('as_of') }},
        {{ d.i64('watermark_us') }}, {{ d.u64('points_seq') }}, {{ p('complete', 'UInt8') }})
