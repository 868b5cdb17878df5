{#- Streak aggregates: the length distribution of live chains as of T. -#}
{% import 'streaks/_macros.sql' as s with context %}
WITH
{% include 'streaks/_stored_chains.sql' %},
{% include 'streaks/_judge.sql' %}
SELECT {{ s.int('length') }} AS length, {{ s.int('count(*)') }} AS users
FROM judged WHERE has_chain AND alive GROUP BY length ORDER BY length
