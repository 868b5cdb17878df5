{#- `inputs` (sql/clickhouse/streaks/_days.sql): DuckDB keeps one merged row per day, and the
    day's latest event as three columns. -#}
{% import 'streaks/_macros.sql' as s with context %}
{% import '_filters.sql' as f with context %}
{% import '_dialect.sql' as d with context %}
{#- read once when it is small (some users only) or re-read would cost (straddle); a whole
    bucket is streamed instead: `chains` reads it again for its users -#}
days AS {% if straddle or few_users %}MATERIALIZED {% endif %}(
    SELECT user_id, metric, local_date, value_sum AS v,
           struct_pack(t := last_ts, e := last_event_id, z := last_tz) AS last
    FROM daily_metrics
    WHERE first_ts <= {{ s.as_of() }}
    {% include 'streaks/_which_users.sql' %}
),
inputs AS (
    SELECT user_id, metric, local_date, v, last FROM days
    {% if straddle %}
    WHERE last.t <= {{ s.as_of() }}
    UNION ALL
    -- days that straddle as_of: only their events up to as_of count (a local day spans < 27 h)
    SELECT ev.user_id, ev.metric, ev.local_date, sum(ev.value) AS v,
           max(struct_pack(t := ev.ts, e := ev.event_id, z := ev.tz)) AS last
    FROM events AS ev
    SEMI JOIN (SELECT user_id, metric, local_date FROM days WHERE last.t > {{ s.as_of() }}) AS d
        ON d.user_id = ev.user_id AND d.metric = ev.metric AND d.local_date = ev.local_date
    WHERE ev.ts <= {{ s.as_of() }} AND ev.ts > {{ s.as_of() }} - INTERVAL 3 DAY
    GROUP BY ev.user_id, ev.metric, ev.local_date
    {% endif %}
)
