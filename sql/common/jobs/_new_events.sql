{#- The events a run of the achievements or points job has not processed yet
    (docs/achievements.md): ingested since the previous run's watermark, or fallen due since its
    as_of; all events up to as_of when `fresh`. Optionally only some metrics and attributes. -#}
{% import 'jobs/_bucket.sql' as b with context %}
{% import '_dialect.sql' as d with context %}
new_events AS MATERIALIZED (
    SELECT user_id, metric, event_id, value, ts, tz, local_date
    FROM {{ db }}.events
    WHERE ts <= {{ d.ts('as_of') }}
    {% if not fresh %}
      AND (ingested_at > {{ d.ts('since') }} OR ts > {{ d.ts('previous_as_of') }})
    {% endif %}
    {% if metric_list %}
      AND {{ d.has(d.strs('metrics'), 'metric') }}
    {% endif %}
    {% for f in filters %}
      AND {{ d.attr_eq(f[0], f[1]) }}
    {% endfor %}
    {% if bucketed is defined and bucketed %}
      AND {{ b.of_bucket('user_id') }}
    {% endif %}
)
