{#- The fingerprint of the newest build of every dashboard and slice (the job skips those still
    current). -#}
SELECT r.dashboard AS dashboard, min(r.fingerprint) AS fingerprint
FROM {{ db }}.dashboard_rollups AS r
INNER JOIN (SELECT dashboard, max(built) AS built FROM {{ db }}.dashboard_rollups GROUP BY dashboard) AS n
    ON n.dashboard = r.dashboard AND n.built = r.built
GROUP BY r.dashboard
