{#- Rows of a run's older snapshots, or of every snapshot of a run once it is final. -#}
{% import '_dialect.sql' as d with context %}
DELETE FROM {{ db }}.leaderboard_snapshot
WHERE board = {{ p('board', 'String') }} AND run = {{ d.date('run') }} AND snap < {{ d.u64('snap') }}
