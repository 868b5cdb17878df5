{#- Rank changes between consecutive final runs (whole board, kept standings): per run, its
    entries that are new (not kept in the previous period's run), moved up, down, or stayed. -#}
{% import '_dialect.sql' as d with context %}
{% import '_filters.sql' as f with context %}
SELECT c.board AS board, c.run AS run, CAST(count(*) AS BIGINT) AS entries,
       CAST(sum(CASE WHEN coalesce(p.rank, 0) = 0 THEN 1 ELSE 0 END) AS BIGINT) AS new_entries,
       CAST(sum(CASE WHEN coalesce(p.rank, 0) > c.rank THEN 1 ELSE 0 END) AS BIGINT) AS moved_up,
       CAST(sum(CASE WHEN coalesce(p.rank, 0) > 0 AND p.rank < c.rank THEN 1 ELSE 0 END) AS BIGINT) AS moved_down,
       CAST(sum(CASE WHEN p.rank = c.rank THEN 1 ELSE 0 END) AS BIGINT) AS unchanged
FROM (
    SELECT board, run, user_id, rank,
           {% if boards %}CASE{% for b in boards %} WHEN board = {{ p(b.key, 'String') }} THEN {{ d.period_key('run - 1', b.period) }}{% endfor %} END{% else %}run{% endif %} AS previous
    FROM {{ db }}.leaderboard_final {{ d.final() }}
    WHERE grp = '' AND {{ f.board_runs('board', 'run') }}{{ f.of_users('user_id') }}
) AS c
LEFT JOIN (
    SELECT board, run, user_id, rank FROM {{ db }}.leaderboard_final {{ d.final() }}
    WHERE grp = ''
) AS p ON p.board = c.board AND p.run = c.previous AND p.user_id = c.user_id
GROUP BY c.board, c.run
ORDER BY board, run
