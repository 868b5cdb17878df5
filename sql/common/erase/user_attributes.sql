{#- The users' attributes (their leaderboard breakdown groups). -#}
{% import '_dialect.sql' as d with context %}
SELECT user_id, attributes FROM {{ db }}.users {{ d.final() }}
WHERE {{ d.in_list('user_id', 'ids') }}
