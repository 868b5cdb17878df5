{#- `base`: each user's carried running total of `counter` (the latest committed run's). -#}
{% import '_dialect.sql' as d with context %}
base AS (
    SELECT user_id, counter, argMax(total, seq) AS total
    FROM {{ db }}.progress
    WHERE scope = {{ p('scope', 'String') }} AND seq <= {{ d.u64('committed') }}
      AND {{ d.has(d.strs('counters'), 'counter') }}
      AND user_id IN (SELECT user_id FROM new_events)
    GROUP BY user_id, counter
)
