{#- Streak aggregates: totals over the stored chains as of T. -#}
{% import 'streaks/_macros.sql' as s with context %}
WITH
{% include 'streaks/_stored_chains.sql' %},
{% include 'streaks/_judge.sql' %}
SELECT
    {{ s.int('count(*)') }} AS users,
    {{ s.int('count(*) FILTER (WHERE has_chain AND alive AND in_last)') }} AS active,
    {{ s.int('count(*) FILTER (WHERE has_chain AND alive AND NOT in_last)') }} AS at_risk,
    {{ s.int('count(*) FILTER (WHERE has_chain AND NOT alive)') }} AS broken,
    {{ s.int('count(*) FILTER (WHERE NOT has_chain)') }} AS none,
    CAST(coalesce(avg(length) FILTER (WHERE has_chain AND alive), 0) AS DOUBLE) AS avg_length,
    {{ s.int('coalesce(max(length) FILTER (WHERE has_chain AND alive), 0)') }} AS max_length,
    {{ s.int('coalesce(max(longest), 0)') }} AS longest_ever,
    {{ s.int('coalesce(sum(freezes_used) FILTER (WHERE has_chain), 0) + coalesce(sum(k_t) FILTER (WHERE has_chain AND alive), 0)') }} AS freezes_consumed
FROM judged
