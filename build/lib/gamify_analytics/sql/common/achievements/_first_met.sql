{#- For each (user_id, period) of `reached` (qualified periods of a streak): the event at which
    the period first met the streak's condition, walking all of the user's events in the period
    in event order (docs/achievements.md). -#}
{% import '_dialect.sql' as d with context %}
walked AS (
    SELECT e.user_id AS user_id, r.period AS period, e.ts AS ts, e.event_id AS event_id, e.tz AS tz,
           e.local_date AS local_date,
           {% for c in conditions %}
           sum(CASE WHEN e.metric = {{ p(c.metric_param, 'String') }} THEN e.value ELSE 0 END) OVER w
               >= {{ d.dec(c.threshold_param) }} AS ok{{ loop.index0 }}{% if not loop.last %},{% endif %}

           {% endfor %}
    FROM {{ db }}.events AS e
    INNER JOIN (SELECT DISTINCT user_id, period FROM reached) AS r
        ON r.user_id = e.user_id AND r.period = {{ d.period_key('e.local_date', frequency) }}
    WHERE e.ts <= {{ d.ts('as_of') }}
      AND e.user_id IN (SELECT user_id FROM reached)
      AND e.local_date >= (SELECT min(period) FROM reached)
    WINDOW w AS (PARTITION BY e.user_id, r.period ORDER BY e.ts, e.event_id ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
),
first_met AS (
    SELECT * FROM walked
    WHERE {% for c in conditions %}ok{{ loop.index0 }}{% if not loop.last %} {{ 'AND' if mode == 'all' else 'OR' }} {% endif %}{% endfor %}

    QUALIFY row_number() OVER (PARTITION BY user_id, period ORDER BY ts, event_id) = 1
)
