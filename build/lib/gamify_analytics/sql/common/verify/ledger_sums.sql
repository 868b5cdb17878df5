{#- Per user and system, the sum of the committed awards in the ledger. Not deduplicated, as
    leaderboards sum it: a duplicated award is drift too. -#}
{% import '_dialect.sql' as d with context %}
SELECT user_id, system, sum(points) AS total
FROM {{ db }}.points_ledger
WHERE seq <= {{ d.u64('committed') }} AND {{ d.has(d.strs('users'), 'user_id') }}
GROUP BY user_id, system
