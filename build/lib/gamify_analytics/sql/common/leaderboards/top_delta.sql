{#- A provisional run from its snapshot (docs/leaderboards.md): the snapshot's users with their
    contributions since added (exact), and the other users with contributions since whose
    score could reach the `limit`-th exact one (the snapshot's lowest score plus theirs since
    is an upper bound: they ranked below it). Contributions since are the rows the snapshot
    did not count: ingested after its watermark (events) or of a later committed points run
    (ledger), and rows after its as_of, up to this read's as_of. -#}
{% import '_dialect.sql' as d with context %}
WITH
snap AS MATERIALIZED (
    SELECT user_id, score, last_change, rank FROM {{ db }}.leaderboard_snapshot
    WHERE board = {{ p('board', 'String') }} AND run = {{ d.date('run') }} AND snap = {{ d.u64('snap') }}
),
delta AS MATERIALIZED (
    SELECT user_id, sum(v) AS dv, max(lc) AS dlc FROM (
{% if source == 'metric' %}
        SELECT user_id, value AS v, CASE WHEN value != 0 THEN ts END AS lc FROM {{ db }}.events
        WHERE metric = {{ p('ref', 'String') }} AND ts <= {{ d.ts('as_of') }}
          {% if bounded %}AND local_date >= {{ d.date('run_first') }} AND local_date <= {{ d.date('run_last') }}{% endif %}

          AND (ingested_at > {{ d.ts('since') }} OR ts > {{ d.ts('snap_as_of') }})
{% else %}
        SELECT user_id, points AS v, CASE WHEN points != 0 THEN ts END AS lc FROM {{ db }}.points_ledger
        WHERE system = {{ p('ref', 'String') }} AND ts <= {{ d.ts('as_of') }} AND seq <= {{ d.u64('committed') }}
          {% if bounded %}AND local_date >= {{ d.date('run_first') }} AND local_date <= {{ d.date('run_last') }}{% endif %}

          AND (seq > {{ d.u64('points_seq') }} OR ts > {{ d.ts('snap_as_of') }})
{% endif %}
    ) AS c
    GROUP BY user_id
),
known AS MATERIALIZED (
    SELECT s.user_id AS user_id, s.score + coalesce(d.dv, 0) AS score,
           greatest(s.last_change, coalesce(d.dlc, s.last_change)) AS last_change,
           s.rank AS rank, s.score AS old_score, s.last_change AS old_lc
    FROM snap AS s
    LEFT JOIN delta AS d ON d.user_id = s.user_id
),
fresh AS (
    SELECT user_id, dv, dlc FROM delta WHERE user_id NOT IN (SELECT user_id FROM snap)
)
{% if complete %}
{#- the snapshot held every participant: the others had nothing, their score is what came since -#}
SELECT user_id, score, last_change FROM (
    SELECT user_id, score, last_change FROM known
    UNION ALL
    SELECT user_id, dv AS score, dlc AS last_change FROM fresh
) AS a
WHERE score != 0
ORDER BY score DESC, last_change, user_id
LIMIT {{ d.i64('limit') }}
{% else %}
SELECT user_id, score, last_change, rank, old_score, old_lc, true AS exact FROM known
UNION ALL
SELECT * FROM (
    SELECT user_id, dv AS score, dlc AS last_change, rank, old_score, old_lc, false AS exact
    FROM fresh
    CROSS JOIN (
        SELECT rank, score AS old_score, last_change AS old_lc FROM snap ORDER BY rank DESC LIMIT 1
    ) AS k
    WHERE dv + k.old_score >= coalesce((
        SELECT score FROM known WHERE score != 0
        ORDER BY score DESC, last_change, user_id LIMIT 1 OFFSET {{ d.i64('offset') }}
    ), dv + k.old_score)
    -- one more than the caller scores one by one: it then aggregates the run instead
    LIMIT {{ d.i64('max_lookups') }} + 1
) AS f
{% endif %}
