{#- Streak aggregates: the length distribution of live chains as of T. -#}
WITH
{% include 'streaks/_stored_chains.sql' %},
{% include 'streaks/_judge.sql' %}
SELECT toInt64(length) AS length, toInt64(count()) AS users FROM judged WHERE has_chain AND alive GROUP BY length ORDER BY length
