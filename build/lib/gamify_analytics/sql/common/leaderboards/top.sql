{#- One group of a run, live (provisional): the top `limit` by score, then the earlier last
    change, then user_id. A partial sort: no window over every participant. -#}
{% import '_dialect.sql' as d with context %}
WITH
{% include 'leaderboards/_scores.sql' %}
SELECT user_id, score, last_change
FROM grouped
WHERE grp = {{ p('grp', 'String') }}
ORDER BY score DESC, last_change, user_id
LIMIT {{ d.i64('limit') }}
