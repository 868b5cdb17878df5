{#- `period` achievements (deferred): in each local period a new event falls in, the
    period's earlier (already processed) events first, then the new ones in event order; the
    first new event whose running period sum reaches the threshold. -#}
{% import '_dialect.sql' as d with context %}
{{ d.insert('achievements') }} (achievement, user_id, achieved_at, event_id, tz, local_date, backdated, seq)
SELECT * FROM (
    WITH
    {% include 'jobs/_new_events.sql' %},
    touched AS MATERIALIZED (
        SELECT DISTINCT user_id, {{ d.period_key('local_date', period) }} AS pkey FROM new_events
        WHERE user_id NOT IN (
            SELECT user_id FROM {{ db }}.achievements
            WHERE achievement = {{ p('achievement', 'String') }} AND user_id IN (SELECT user_id FROM new_events)
        )
    ),
    period_events AS (
        SELECT e.user_id AS user_id, e.ts AS ts, e.event_id AS event_id, e.tz AS tz, e.local_date AS local_date,
               t.pkey AS pkey, e.value AS value,
               {% if fresh %}true{% else %}(e.ingested_at > {{ d.ts('since') }} OR e.ts > {{ d.ts('previous_as_of') }}){% endif %} AS is_new
        FROM {{ db }}.events AS e
        INNER JOIN touched AS t ON t.user_id = e.user_id AND t.pkey = {{ d.period_key('e.local_date', period) }}
        WHERE e.metric = {{ p('metric', 'String') }} AND e.ts <= {{ d.ts('as_of') }}
          AND e.user_id IN (SELECT user_id FROM touched)
          AND e.local_date >= (SELECT min(pkey) FROM touched)
          {% for f in filters %}AND {{ d.attr_eq(f[0], f[1]) }}{% endfor %}

    ),
    running AS (
        SELECT *, sum(value) OVER (
                   PARTITION BY user_id, pkey ORDER BY is_new, ts, event_id ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
               ) AS r
        FROM period_events
    )
    SELECT {{ p('achievement', 'String') }} AS achievement, user_id, ts AS achieved_at, event_id, tz, local_date,
           ts < {{ d.ts('first_evaluated') }} AS backdated, {{ d.u64('seq') }} AS seq
    FROM running
    WHERE is_new AND r >= {{ d.dec('threshold') }}
    QUALIFY row_number() OVER (PARTITION BY user_id ORDER BY ts, event_id) = 1
)
