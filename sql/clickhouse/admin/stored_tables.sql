{#- Tables that hold rows of their own, named without the `_local` of cluster mode: not views,
    Null tables (they pass rows to their views), Distributed tables (their rows are the local
    tables'), nor Memory tables (an ingest's scratch keys, dropped when it ends). -#}
SELECT DISTINCT replaceRegexpOne(name, '_local$', '') AS name
FROM system.tables
WHERE database = {{ p('database', 'String') }}
  AND engine NOT IN ('View', 'MaterializedView', 'Null', 'Distributed', 'Memory')
ORDER BY name
