{#- Score histogram of the kept final standings (whole board) in the range. Per board, at most
    `bins` half-open bins [lower, upper) of one round width: 1, 2 or 5 × a power of ten (at
    least 1 when every score is whole), the narrowest whose multiples cover the board's lowest
    to highest score in `bins` bins or fewer; the first bin starts at the multiple at or below
    the lowest score. Found in exact micro-units (widths up to 5 × 10^36 micro-units); the
    bounds are floats, for axes. -#}
{% import '_dialect.sql' as d with context %}
{% import '_filters.sql' as f with context %}
WITH
entries AS (
    SELECT board, {{ d.micros('score') }} AS m FROM {{ db }}.leaderboard_final {{ d.final() }}
    WHERE grp = '' AND {{ f.board_runs('board', 'run') }}{{ f.of_users('user_id') }}
),
bounds AS (
    SELECT board, min(m) AS lo, max(m) AS hi,
           max(CASE WHEN m % 1000000 = 0 THEN 0 ELSE 1 END) AS fractional
    FROM entries GROUP BY board
),
widths AS (
    SELECT CAST(CASE n % 3 WHEN 0 THEN 1 WHEN 1 THEN 2 ELSE 5 END AS BIGINT) * {{ d.pow10(d.floordiv('n', '3')) }} AS width
    FROM {{ d.numbers('111') }} AS k
),
grid AS (
    SELECT b.board AS board, w.width AS width, {{ d.floordiv('b.lo', 'w.width') }} AS first_bin,
           {{ d.floordiv('b.hi', 'w.width') }} - {{ d.floordiv('b.lo', 'w.width') }} + 1 AS n,
           row_number() OVER (PARTITION BY b.board ORDER BY w.width) AS narrowest
    FROM bounds AS b CROSS JOIN widths AS w
    WHERE (b.fractional = 1 OR w.width >= 1000000)
      AND {{ d.floordiv('b.hi', 'w.width') }} - {{ d.floordiv('b.lo', 'w.width') }} < {{ d.i64('bins') }}
),
chosen AS (
    SELECT board, width, first_bin, n FROM grid WHERE narrowest = 1
),
binned AS (
    SELECT e.board AS board, {{ d.floordiv('e.m', 'c.width') }} - c.first_bin AS bin, count(*) AS n
    FROM entries AS e INNER JOIN chosen AS c ON c.board = e.board
    GROUP BY e.board, bin
)
SELECT c.board AS board, CAST(k.n AS BIGINT) AS bin,
       CAST((c.first_bin + k.n) * c.width AS DOUBLE) / 1000000 AS lower,
       CAST((c.first_bin + k.n + 1) * c.width AS DOUBLE) / 1000000 AS upper,
       CAST(coalesce(b.n, 0) AS BIGINT) AS entries
FROM chosen AS c
CROSS JOIN {{ d.numbers(d.i64('bins')) }} AS k
LEFT JOIN binned AS b ON b.board = c.board AND b.bin = k.n
WHERE k.n < c.n
ORDER BY board, bin
