{#- Store the milestones of `reached` (user_id, period, length) not stored yet, each at the
    event where its period first met the condition. Included by streaks/milestones. -#}
{% import '_dialect.sql' as d with context %}
{% include 'achievements/_first_met.sql' %}
SELECT {{ p('streak', 'String') }} AS streak, r.length AS length, r.user_id AS user_id, r.period AS period,
       f.ts AS ts, f.event_id AS event_id, f.tz AS tz, f.local_date AS local_date, {{ d.u64('seq') }} AS seq
FROM reached AS r
INNER JOIN first_met AS f ON f.user_id = r.user_id AND f.period = r.period
