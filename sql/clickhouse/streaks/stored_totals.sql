{#- Streak aggregates: totals over the stored chains as of T. -#}
WITH
{% include 'streaks/_stored_chains.sql' %},
{% include 'streaks/_judge.sql' %}
SELECT
    count() AS users,
    countIf(has_chain AND alive AND t_ms < last_end_ms) AS active,
    countIf(has_chain AND alive AND t_ms >= last_end_ms) AS at_risk,
    countIf(has_chain AND NOT alive) AS broken,
    countIf(NOT has_chain) AS none,
    toFloat64(avgIf(length, has_chain AND alive)) AS avg_length,
    toInt64(maxIf(length, has_chain AND alive)) AS max_length,
    toInt64(max(longest)) AS longest_ever,
    toInt64(sumIf(freezes_used, has_chain) + sumIf(k_t, has_chain AND alive)) AS freezes_consumed
FROM judged
