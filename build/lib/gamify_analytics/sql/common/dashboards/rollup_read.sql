{#- The newest build of one dashboard's rollups: every panel's frame and what it was built from. -#}
SELECT built, panel, fingerprint, first_day, last_day, payload, basis FROM {{ db }}.dashboard_rollups
WHERE dashboard = {{ p('dashboard', 'String') }}
  AND built = (SELECT max(built) FROM {{ db }}.dashboard_rollups WHERE dashboard = {{ p('dashboard', 'String') }})
