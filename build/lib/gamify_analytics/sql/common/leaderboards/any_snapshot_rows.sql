{#- Whether prune_snapshots has anything to delete (a delete on embedded ClickHouse costs even
    when nothing matches). -#}
{% import '_dialect.sql' as d with context %}
SELECT 1 AS found FROM {{ db }}.leaderboard_snapshot
WHERE board = {{ p('board', 'String') }} AND run = {{ d.date('run') }} AND snap < {{ d.u64('snap') }}
LIMIT 1
