{#- Streaks per period overlapping the range: the users whose period qualified, i.e. whose
    streak was extended then (periods a freeze bridged are not counted), as of `as_of`. -#}
{% import '_dialect.sql' as d with context %}
{% set with_history = false %}
{% set with_previous = false %}
WITH
{% include 'streaks/_steps.sql' %}
SELECT pkey AS period, CAST(count(*) AS BIGINT) AS users
FROM periods
WHERE qualifies AND pkey >= {{ d.period_key(d.date('date_from'), frequency) }} AND pkey <= {{ d.date('date_to') }}
GROUP BY pkey
ORDER BY period
