{#- `zone_days`: the days of `tz_days` a statement can touch (start instant, ordinal among the
    days that exist in the zone). Bounds from the table, not a CTE (a scalar subquery would
    evaluate the CTE again); 32 days back reaches the key of the earliest week or month. -#}
{% import 'streaks/_macros.sql' as s with context %}
zone_days AS MATERIALIZED (
    SELECT tz, day, start_ms, ordinal, exists FROM {{ db }}.tz_days
    WHERE day >= (SELECT min(local_date) FROM {{ db }}.daily_metrics) - 32
      AND day <= greatest((SELECT max(local_date) FROM {{ db }}.daily_metrics), CAST({{ s.as_of() }} AS DATE)) + {{ s.days(p('lookahead_days', 'Int32')) }}
)
