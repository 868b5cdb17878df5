{#- The whole board of a provisional run from its snapshot (docs/leaderboards.md): live scores
    of the snapshot's users and of every user with contributions since (ingested after its
    watermark, points of a later sequence, or events after its as_of), best first. `anchor`
    marks a snapshot user whose score and last change are unchanged: every user outside these
    candidates still ranks below it, so the order is exact down to the last anchor. -#}
{% import '_dialect.sql' as d with context %}
WITH
snap AS MATERIALIZED (
    SELECT user_id, score, last_change FROM {{ db }}.leaderboard_snapshot
    WHERE board = {{ p('board', 'String') }} AND run = {{ d.date('run') }} AND snap = {{ d.u64('snap') }}
),
cand AS MATERIALIZED (
    SELECT user_id FROM snap
    UNION ALL
{% if source == 'metric' %}
    SELECT user_id FROM {{ db }}.events
    WHERE metric = {{ p('ref', 'String') }}
      {% if bounded %}AND local_date >= {{ d.date('run_first') }} AND local_date <= {{ d.date('run_last') }}{% endif %}

      AND (ingested_at > {{ d.ts('since') }} OR ts > {{ d.ts('snap_as_of') }})
{% else %}
    SELECT user_id FROM {{ db }}.points_ledger
    WHERE system = {{ p('ref', 'String') }}
      {% if bounded %}AND local_date >= {{ d.date('run_first') }} AND local_date <= {{ d.date('run_last') }}{% endif %}

      AND (seq > {{ d.u64('points_seq') }} OR ts > {{ d.ts('snap_as_of') }})
{% endif %}
),
{% include 'leaderboards/_scores.sql' %}
,
ranked AS MATERIALIZED (
    SELECT s.user_id AS user_id, s.score AS score, s.last_change AS last_change,
           coalesce(p.user_id IS NOT NULL AND p.user_id != '' AND p.score = s.score
                    AND p.last_change = s.last_change, false) AS anchor
    FROM scores AS s
    LEFT JOIN snap AS p ON p.user_id = s.user_id
)
SELECT user_id, score, last_change, anchor, (SELECT count(*) FROM ranked WHERE anchor) AS anchors
FROM ranked
ORDER BY score DESC, last_change, user_id
LIMIT {{ d.i64('limit') }}
