{#- `inputs`: each user's per-day sums up to T, one row per (user, metric, local date), with the
    day's latest event (ts, event_id, tz). The per-day aggregates are read merged (FINAL, or
    GROUP BY for some users only); only when events later than T are stored (`straddle`) are
    the days that hold some re-read from their events up to T. Which users: `users`, dashboard filters, the achievements job's
    touched users, a hash bucket, or the streaks job's changed users (`changed_only`, `seeded`:
    _seeds.sql). -#}
{% import 'streaks/_macros.sql' as s with context %}
{% import '_filters.sql' as f with context %}
{% import '_dialect.sql' as d with context %}
{#- read once when it is small (some users only) or re-read would cost (straddle); a whole
    bucket is streamed instead: `chains` reads it again for its users -#}
days AS {% if straddle or few_users %}MATERIALIZED {% endif %}(
    {% if few_users %}
    {#- a few users' rows lie scattered over the table's granules: GROUP BY merges only theirs,
        where FINAL merged every granule they touch (8x slower for 456 users of 100k) -#}
    SELECT m.user_id AS user_id, m.metric AS metric, m.local_date AS local_date,
           sum(m.value_sum) AS v, max(m.last) AS last
    FROM {{ db }}.daily_metrics AS m
    WHERE true
    {% include 'streaks/_which_users.sql' %}
    GROUP BY m.user_id, m.metric, m.local_date
    HAVING min(m.first_ts) <= {{ s.as_of() }}
    {% else %}
    SELECT user_id, metric, local_date, value_sum AS v, last
    FROM {{ db }}.daily_metrics FINAL
    WHERE first_ts <= {{ s.as_of() }}
    {% include 'streaks/_which_users.sql' %}
    {% endif %}
),
inputs AS (
    SELECT user_id, metric, local_date, v, last FROM days
    {% if straddle %}
    WHERE last.1 <= {{ s.as_of() }}
    UNION ALL
    -- days that straddle as_of: only their events up to as_of count (a local day spans < 27 h)
    SELECT user_id, metric, local_date, sum(toDecimal128(value, 6)) AS v, max((ts, event_id, toString(tz))) AS last
    FROM {{ db }}.events
    WHERE ts <= {{ s.as_of() }} AND ts > {{ s.as_of() }} - INTERVAL 3 DAY
      AND (user_id, metric, local_date) IN (SELECT user_id, metric, local_date FROM days WHERE last.1 > {{ s.as_of() }})
    GROUP BY user_id, metric, local_date
    {% endif %}
)
