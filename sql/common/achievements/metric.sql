{#- `metric` achievements: the first new event whose running total (carried total plus
    this run's events in event order) reaches the threshold, for users not yet completed. -#}
{% import '_dialect.sql' as d with context %}
{{ d.insert('achievements') }} (achievement, user_id, achieved_at, event_id, tz, local_date, backdated, seq)
SELECT * FROM (
    WITH
    {% include 'jobs/_new_events.sql' %},
    {% include 'jobs/_base.sql' %},
    running AS (
        SELECT e.user_id AS user_id, e.ts AS ts, e.event_id AS event_id, e.tz AS tz, e.local_date AS local_date,
               coalesce(b.total, 0) + sum(e.value) OVER (
                   PARTITION BY e.user_id ORDER BY e.ts, e.event_id ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
               ) AS r
        FROM new_events AS e
        LEFT JOIN base AS b ON b.user_id = e.user_id
        WHERE e.user_id NOT IN (
            SELECT user_id FROM {{ db }}.achievements
            WHERE achievement = {{ p('achievement', 'String') }} AND user_id IN (SELECT user_id FROM new_events)
        )
    )
    SELECT {{ p('achievement', 'String') }} AS achievement, user_id, ts AS achieved_at, event_id, tz, local_date,
           ts < {{ d.ts('first_evaluated') }} AS backdated, {{ d.u64('seq') }} AS seq
    FROM running
    WHERE r >= {{ d.dec('threshold') }}
    QUALIFY row_number() OVER (PARTITION BY user_id ORDER BY ts, event_id) = 1
)
