{#- The latest snapshot of each run of a board (or of one run). -#}
{% import '_dialect.sql' as d with context %}
SELECT run, snap, as_of, watermark_us, points_seq, complete
FROM {{ db }}.leaderboard_snapshot_runs {{ d.final() }}
WHERE board = {{ p('board', 'String') }}
{% if one_run %}
  AND run = {{ d.date('run') }}
{% endif %}
