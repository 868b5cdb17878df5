{#- The builds of one dashboard's rollups, every panel's frame and what it was built from: the
    newest one, and any older one not pruned yet (the caller keeps the newest; a subquery for it
    cost one more scan, 7 ms on embedded ClickHouse). -#}
SELECT built, panel, fingerprint, first_day, last_day, payload, basis FROM {{ db }}.dashboard_rollups
WHERE dashboard = {{ p('dashboard', 'String') }}
