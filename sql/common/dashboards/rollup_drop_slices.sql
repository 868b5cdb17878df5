{#- The builds of slices the job no longer keeps (a dimension or a value gone from the config
    or the users table): `keys` are those it keeps. Rare (the job asks only when there are
    such builds), so it waits for the delete, unlike the prune of each build. -#}
{% import '_dialect.sql' as d with context %}
DELETE FROM {{ db }}.dashboard_rollups
WHERE NOT {{ d.has(d.strs('keys'), 'dashboard') }}
