{#- `composite` achievements: every prerequisite completed; at the latest one's event. -#}
{% import '_dialect.sql' as d with context %}
{{ d.insert('achievements') }} (achievement, user_id, achieved_at, event_id, tz, local_date, backdated, seq)
SELECT * FROM (
    WITH prereqs AS (
        SELECT user_id, achieved_at, event_id, tz, local_date,
               count(*) OVER (PARTITION BY user_id) AS n
        FROM {{ db }}.achievements {{ d.final() }}
        WHERE {{ d.has(d.strs('requires'), 'achievement') }}
          {% if not fresh %}
          AND user_id IN (
              SELECT r.user_id FROM {{ db }}.achievements AS r
              WHERE {{ d.has(d.strs('requires'), 'r.achievement') }} AND r.seq = {{ d.u64('seq') }}
          )
          {% endif %}
          AND user_id NOT IN (SELECT user_id FROM {{ db }}.achievements WHERE achievement = {{ p('achievement', 'String') }})
    )
    SELECT {{ p('achievement', 'String') }} AS achievement, user_id, achieved_at, event_id, tz, local_date,
           achieved_at < {{ d.ts('first_evaluated') }} AS backdated, {{ d.u64('seq') }} AS seq
    FROM prereqs
    WHERE n = {{ d.i64('required') }}
    QUALIFY row_number() OVER (PARTITION BY user_id ORDER BY achieved_at DESC, event_id DESC) = 1
)
