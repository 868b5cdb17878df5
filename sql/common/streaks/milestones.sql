{#- The achievements job: the qualified periods at which a chain reached one of `lengths`, for
    the users with new events (or everyone when `fresh`), not stored yet. -#}
{% import '_dialect.sql' as d with context %}
{% import 'streaks/_macros.sql' as s with context %}
{% set with_history = true %}
{% set with_previous = false %}
{{ d.insert('streak_milestones') }} (streak, length, user_id, period, ts, event_id, tz, local_date, seq)
SELECT * FROM (
    WITH
    {% include 'streaks/_steps.sql' %},
    {% include 'streaks/_chains.sql' %},
    steps_of AS (
        SELECT user_id, pkeys, lens, {{ s.each_index('pkeys') }} AS i FROM chains WHERE has_chain
    ),
    reached AS MATERIALIZED (
        SELECT user_id, pkeys[i] AS period, lens[i] AS length
        FROM steps_of
        WHERE {{ d.has('CAST(' ~ p('lengths', 'Array(Int64)') ~ ' AS ' ~ s.ints_type() ~ ')', 'lens[i]') }}
          AND (user_id, pkeys[i], lens[i]) NOT IN (
              SELECT user_id, period, length FROM {{ db }}.streak_milestones
              WHERE streak = {{ p('streak', 'String') }}
          )
    ),
    {% include 'achievements/_milestones_insert.sql' %}
) AS r
