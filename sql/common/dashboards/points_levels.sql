{#- Level distribution as of date_to: per system, users by the level of their total after their
    last award dated by then (the highest level whose points <= total). `levels` lists
    each system's levels, highest first, as parameter names. -#}
{% import '_dialect.sql' as d with context %}
{% import '_filters.sql' as f with context %}
SELECT system, level, CAST(count(*) AS BIGINT) AS users
FROM (
    SELECT system,
           {% if levels %}CASE{% for l in levels %} WHEN system = {{ p(l.system, 'String') }} AND total >= {{ d.dec(l.points) }} THEN {{ p(l.key, 'String') }}{% endfor %} END{% else %}NULL{% endif %} AS level
    FROM (
        SELECT system, user_id, argMax(total, (ts, event_id, trigger)) AS total
        FROM {{ db }}.points_ledger {{ d.final() }}
        WHERE local_date <= {{ d.date('date_to') }} AND {{ d.has(d.strs('systems'), 'system') }}{{ f.of_users('user_id') }}
        GROUP BY system, user_id
    ) AS t
) AS l
GROUP BY system, level
ORDER BY system, level
