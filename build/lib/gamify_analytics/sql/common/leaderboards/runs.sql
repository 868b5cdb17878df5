{#- Status rows of a board's final runs (the latest version of each). -#}
{% import '_dialect.sql' as d with context %}
SELECT run, finalized_at, as_of, watermark_us, points_seq, participants, late, version
FROM {{ db }}.leaderboard_runs {{ d.final() }}
WHERE board = {{ p('board', 'String') }}
{% if one_run %}
  AND run = {{ d.date('run') }}
{% endif %}
ORDER BY run
