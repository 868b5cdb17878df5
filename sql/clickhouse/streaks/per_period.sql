{#- Streak aggregates per period: users whose period qualified (a streak kept alive that period). -#}
{% set with_history = false %}
{% set with_previous = false %}
WITH
{% include 'streaks/_steps.sql' %}
SELECT pkey AS period, toInt64(count()) AS qualified_users FROM steps GROUP BY pkey ORDER BY pkey
