{#- Score histogram of the kept final standings (whole board) in the range: `bins` equal-width
    bins per board from its lowest to its highest score (the last bin includes the highest).
    Bins are found in exact micro-units; their bounds are floats, for axes. -#}
{% import '_dialect.sql' as d with context %}
{% import '_filters.sql' as f with context %}
WITH
entries AS (
    SELECT board, score FROM {{ db }}.leaderboard_final {{ d.final() }}
    WHERE grp = '' AND {{ f.board_runs('board', 'run') }}{{ f.of_users('user_id') }}
),
bounds AS (
    SELECT board, min(score) AS lo, max(score) AS hi FROM entries GROUP BY board
),
binned AS (
    SELECT e.board AS board,
           CAST(least({{ d.i64('bins') }} - 1, {{ d.floordiv(d.micros('e.score - b.lo') ~ ' * ' ~ d.i64('bins'), 'greatest(' ~ d.micros('b.hi - b.lo') ~ ', 1)') }}) AS BIGINT) AS bin,
           count(*) AS n
    FROM entries AS e INNER JOIN bounds AS b ON b.board = e.board
    GROUP BY e.board, bin
)
SELECT b.board AS board, CAST(k.n AS BIGINT) AS bin,
       CAST({{ d.micros('b.lo') }} AS DOUBLE) / 1000000 + CAST({{ d.micros('b.hi - b.lo') }} AS DOUBLE) / 1000000 * k.n / {{ d.i64('bins') }} AS lower,
       CAST({{ d.micros('b.lo') }} AS DOUBLE) / 1000000 + CAST({{ d.micros('b.hi - b.lo') }} AS DOUBLE) / 1000000 * (k.n + 1) / {{ d.i64('bins') }} AS upper,
       CAST(coalesce(c.n, 0) AS BIGINT) AS entries
FROM bounds AS b
CROSS JOIN {{ d.numbers(d.i64('bins')) }} AS k
LEFT JOIN binned AS c ON c.board = b.board AND c.bin = k.n
ORDER BY board, bin
