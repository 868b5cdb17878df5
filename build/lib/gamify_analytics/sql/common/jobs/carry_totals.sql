{#- Carry running totals forward: per user, the committed total plus this run's new events,
    written under this run's sequence number. One counter (`counter`), or one per metric
    (`m:<metric>`) with `per_metric`. -#}
{% import '_dialect.sql' as d with context %}
{{ d.insert('progress') }} (scope, user_id, counter, total, seq)
SELECT * FROM (
    WITH
    {% include 'jobs/_new_events.sql' %},
    {% include 'jobs/_base.sql' %}
    SELECT {{ p('scope', 'String') }} AS scope, e.user_id AS user_id, {{ counter }} AS counter,
           CAST(max(coalesce(b.total, 0)) + sum(e.value) AS Decimal(38, 6)) AS total,
           {{ d.u64('seq') }} AS seq
    FROM new_events AS e
    LEFT JOIN base AS b ON b.user_id = e.user_id AND b.counter = {{ counter }}
    GROUP BY e.user_id{% if per_metric %}, e.metric{% endif %}

)
