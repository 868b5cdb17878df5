{#- The values each configured dimension (`dims`: the parameter names of the attribute names)
    takes in the users table: one filtered-rollup build per value. -#}
{% import '_dialect.sql' as d with context %}
SELECT DISTINCT key, value FROM (
{% for k in dims %}
    SELECT {{ p(k, 'String') }} AS key, {{ d.attr_or('attributes', k, 'NULL') }} AS value
    FROM {{ db }}.users {{ d.final() }}
    {% if not loop.last %}UNION ALL{% endif %}

{% endfor %}
) AS v
WHERE value IS NOT NULL
ORDER BY key, value
