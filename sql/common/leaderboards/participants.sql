{#- How many users took part in a run (non-zero score), kept in its status row. -#}
WITH
{% include 'leaderboards/_scores.sql' %}
SELECT count(*) AS n FROM scores
