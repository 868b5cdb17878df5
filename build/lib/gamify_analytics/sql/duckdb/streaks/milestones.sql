{#- DuckDB twin of sql/clickhouse/streaks/milestones.sql. -#}
{% import '_dialect.sql' as d with context %}
{% set with_history = true %}
{% set with_previous = false %}
INSERT OR REPLACE INTO streak_milestones (streak, length, user_id, period, ts, event_id, tz, local_date, seq)
SELECT * FROM (
    WITH
    {% include 'streaks/_steps.sql' %},
    {% include 'streaks/_chains.sql' %},
    reached AS MATERIALIZED (
        SELECT c.user_id, c.period, c.length
        FROM (
            SELECT user_id, a[i].pkey AS period, lens[i] AS length
            FROM (SELECT *, unnest(range(1, len(a) + 1)) AS i FROM chains WHERE has_chain)
        ) AS c
        ANTI JOIN (SELECT user_id, period, length FROM streak_milestones WHERE streak = $streak) AS m
            ON m.user_id = c.user_id AND m.period = c.period AND m.length = c.length
        WHERE list_contains(CAST($lengths AS BIGINT[]), c.length)
    ),
    {% include 'achievements/_milestones_insert.sql' %}
)
