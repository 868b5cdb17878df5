{#- `streak` achievements: the earliest stored milestone of the streak at that length. -#}
{% import '_dialect.sql' as d with context %}
{{ d.insert('achievements') }} (achievement, user_id, achieved_at, event_id, tz, local_date, backdated, seq)
SELECT * FROM (
    SELECT {{ p('achievement', 'String') }} AS achievement, user_id, ts AS achieved_at, event_id, tz, local_date,
           ts < {{ d.ts('first_evaluated') }} AS backdated, {{ d.u64('seq') }} AS seq
    FROM {{ db }}.streak_milestones {{ d.final() }}
    WHERE streak = {{ p('streak', 'String') }} AND length = {{ d.i64('length') }}
      {% if not fresh %}AND seq = {{ d.u64('seq') }}{% endif %}
      AND user_id NOT IN (SELECT user_id FROM {{ db }}.achievements WHERE achievement = {{ p('achievement', 'String') }})
    QUALIFY row_number() OVER (PARTITION BY user_id ORDER BY ts, event_id) = 1
)
