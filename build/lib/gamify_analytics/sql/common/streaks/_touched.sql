{#- The achievements job's users for streak milestones: those with new events, and (with
    `prefilter`, when the streaks job stored chains as of this same instant) only those whose
    stored chain can have reached a tracked length within the new periods: its length is
    within reach of one (lengths grow by one per qualifying period), or it restarted in them
    after an earlier chain could have reached one there. -#}
{% import 'streaks/_macros.sql' as s with context %}
{% import '_dialect.sql' as d with context %}
{% include 'jobs/_new_events.sql' %},
touched_users AS MATERIALIZED (
    SELECT n.user_id AS user_id{% if prefilter %},
           {{ d.floordiv('c.last_period - n.first_day', d.i64('min_period_days')) }} + 3 AS reach{% endif %}

    FROM (SELECT user_id, min(local_date) AS first_day FROM new_events GROUP BY user_id) AS n
    {% if prefilter %}
    INNER JOIN (
        SELECT user_id, length, started, last_period FROM {{ db }}.streak_chains {{ d.final() }}
        WHERE streak = {{ p('streak', 'String') }} AND has_chain
    ) AS c ON c.user_id = n.user_id
    -- at most `reach` qualifying periods lie in the span of the new events
    WHERE (c.started >= {{ s.key('n.first_day') }} AND reach >= {{ d.i64('min_length') }})
       OR (c.length >= {{ d.i64('min_length') }} AND c.length - reach <= {{ d.i64('max_length') }})
    {% endif %}
)
