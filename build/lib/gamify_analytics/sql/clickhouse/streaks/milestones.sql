{#- The achievements job: the qualified periods at which a chain reached one of `lengths`, for
    the users with new events (or everyone when `fresh`), not stored yet. -#}
{% import '_dialect.sql' as d with context %}
{% set with_history = true %}
{% set with_previous = false %}
INSERT INTO {{ db }}.streak_milestones (streak, length, user_id, period, ts, event_id, tz, local_date, seq)
SELECT * FROM (
    WITH
    {% include 'streaks/_steps.sql' %},
    {% include 'streaks/_chains.sql' %},
    reached AS MATERIALIZED (
        SELECT user_id, a[i].2 AS period, lens[i] AS length
        FROM chains ARRAY JOIN arrayEnumerate(a) AS i
        WHERE has_chain AND has({{ p('lengths', 'Array(Int64)') }}, lens[i])
          AND (user_id, period, length) NOT IN (
              SELECT user_id, period, length FROM {{ db }}.streak_milestones
              WHERE streak = {{ p('streak', 'String') }} AND has({{ p('lengths', 'Array(Int64)') }}, length)
          )
    ),
    {% include 'achievements/_milestones_insert.sql' %}
)
