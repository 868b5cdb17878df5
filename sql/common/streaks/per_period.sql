{#- Streak aggregates per period: users whose period qualified (a streak kept alive that period). -#}
{% import 'streaks/_macros.sql' as s with context %}
WITH
{% include 'streaks/_periods.sql' %}
SELECT pkey AS period, {{ s.int('count(*)') }} AS qualified_users FROM qualifying GROUP BY pkey ORDER BY pkey
