{#- Per user, metric and local day (sql/clickhouse/read/daily_metrics.sql: the same rows). -#}
{% import '_dialect.sql' as d with context %}
{% set users_filter = users_filter | default(false) %}
SELECT user_id, metric, local_date, value_sum, events, first_ts, last_ts, last_tz, last_change
FROM daily_metrics
{% if users_filter %}
WHERE {{ d.has(d.strs('users'), 'user_id') }}
{% endif %}
ORDER BY user_id, metric, local_date
