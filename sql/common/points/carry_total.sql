{#- Carry each awarded user's points total: the total after their last award of this run.
    Columns are qualified: ClickHouse would read a bare `seq` in WHERE as the select-list
    alias, which equals the parameter, and so carry the latest total over every run. -#}
{% import '_dialect.sql' as d with context %}
{{ d.insert('progress') }} (scope, user_id, counter, total, seq)
SELECT {{ p('scope', 'String') }} AS scope, l.user_id AS user_id, '_total' AS counter,
       argMax(l.total, (l.ts, l.event_id, l.trigger)) AS total, {{ d.u64('seq') }} AS seq
FROM {{ db }}.points_ledger AS l
WHERE l.system = {{ p('system', 'String') }} AND l.seq = {{ d.u64('seq') }}
GROUP BY l.user_id
