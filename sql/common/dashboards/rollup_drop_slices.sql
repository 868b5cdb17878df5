{#- The builds of slices the job no longer keeps (a dimension or a value gone from the config
    or the users table): `keys` are those it keeps. -#}
{% import '_dialect.sql' as d with context %}
DELETE FROM {{ db }}.dashboard_rollups
WHERE NOT {{ d.has(d.strs('keys'), 'dashboard') }}
{{ d.in_background() }}
