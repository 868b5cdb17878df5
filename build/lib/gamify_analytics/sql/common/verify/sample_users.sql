{#- A random sample of the users with any event: the `sample` smallest hashes of (seed, user). -#}
{% import '_dialect.sql' as d with context %}
SELECT user_id
FROM {{ db }}.daily_metrics
GROUP BY user_id
ORDER BY {{ d.hash64(d.u64('seed') ~ ', user_id') }}, user_id
LIMIT {{ p('sample', 'UInt64') }}
