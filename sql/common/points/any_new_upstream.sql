{#- Whether any completion or milestone is new to a points run (none, and no new event of its
    metrics: the run has nothing to award and skips `award.sql`). -#}
{% import 'points/_window.sql' as w with context %}
SELECT count(*) AS n FROM (
    (SELECT 1 AS one FROM {{ db }}.achievements WHERE {{ w.new_upstream('achieved_at') }} LIMIT 1)
    UNION ALL
    (SELECT 1 AS one FROM {{ db }}.streak_milestones WHERE {{ w.new_upstream('ts') }} LIMIT 1)
) AS x
