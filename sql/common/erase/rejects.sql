{#- Rejected rows whose raw text contains one of `needles` (the ids, and their JSON spelling):
    the caller keeps those where it is a whole word. -#}
{% import '_dialect.sql' as d with context %}
SELECT DISTINCT r.raw AS raw
FROM {{ db }}.rejects AS r
CROSS JOIN (SELECT {{ d.each(d.strs('needles')) }} AS needle) AS n
WHERE position(n.needle IN r.raw) > 0
