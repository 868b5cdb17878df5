{#- `streak` achievements: the earliest stored milestone of the streak at that length (of this
    run's unless `fresh`; columns qualified, as in points/carry_total.sql). -#}
{% import '_dialect.sql' as d with context %}
{{ d.insert('achievements') }} (achievement, user_id, achieved_at, event_id, tz, local_date, backdated, seq)
SELECT * FROM (
    SELECT {{ p('achievement', 'String') }} AS achievement, m.user_id AS user_id, m.ts AS achieved_at,
           m.event_id AS event_id, m.tz AS tz, m.local_date AS local_date,
           m.ts < {{ d.ts('first_evaluated') }} AS backdated, {{ d.u64('seq') }} AS seq
    FROM {{ db }}.streak_milestones AS m {{ d.final() }}
    WHERE m.streak = {{ p('streak', 'String') }} AND m.length = {{ d.i64('length') }}
      {% if not fresh %}AND m.seq = {{ d.u64('seq') }}{% endif %}
      AND m.user_id NOT IN (SELECT user_id FROM {{ db }}.achievements WHERE achievement = {{ p('achievement', 'String') }})
    QUALIFY row_number() OVER (PARTITION BY m.user_id ORDER BY m.ts, m.event_id) = 1
)
