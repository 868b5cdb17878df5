{#- Points awarded (after clamping) per local date of the earning event, system and
    trigger; `triggers` names the selected ones and their labels (parameter names). -#}
{% import '_dialect.sql' as d with context %}
{% import '_filters.sql' as f with context %}
SELECT day, system, label AS trigger, CAST(sum(points) AS DECIMAL(38, 6)) AS points, CAST(count(*) AS BIGINT) AS awards
FROM (
    SELECT local_date AS day, system, points,
           {% if triggers %}CASE{% for t in triggers %} WHEN system = {{ p(t.system, 'String') }} AND trigger = {{ p(t.pos, 'UInt16') }} THEN {{ p(t.label, 'String') }}{% endfor %} END{% else %}NULL{% endif %} AS label
    FROM {{ db }}.points_ledger {{ d.final() }}
    WHERE {{ f.in_range('local_date') }}{{ f.of_users('user_id') }}
) AS l
WHERE label IS NOT NULL
GROUP BY day, system, label
ORDER BY day, system, trigger
