{#- Scores of one leaderboard run (docs/leaderboards.md): per user the sum of contributions up
    to as_of and the time of the last non-zero one; participants have a non-zero score; each
    also sits in its breakdown group (`grouped`: grp '' is the whole board). With `candidates`,
    only the users listed in `users` are scored. Only committed points runs count. -#}
{% import '_dialect.sql' as d with context %}
contrib AS (
{% if source == 'metric' %}
    {% if straddle %}
    -- a day's rows (parts not merged yet) are one day: whole days whose events are all due
    SELECT user_id, v, lc FROM (
        SELECT m.user_id AS user_id, sum(m.value_sum) AS v, max(m.last_change) AS lc,
               max({{ d.last_ts('m') }}) AS last_ts
    {% else %}
    SELECT m.user_id AS user_id, m.value_sum AS v, m.last_change AS lc
    {% endif %}
    FROM {{ db }}.daily_metrics AS m
    WHERE m.metric = {{ p('ref', 'String') }}
      {% if bounded %}AND m.local_date >= {{ d.date('run_first') }} AND m.local_date <= {{ d.date('run_last') }}{% endif %}

      {% if candidates %}AND {{ d.in_list('m.user_id', 'users') }}{% endif %}

    {% if straddle %}
        GROUP BY m.user_id, m.local_date
    ) AS days
    WHERE days.last_ts <= {{ d.ts('as_of') }}
    {% endif %}
    {% if straddle %}
    UNION ALL
    -- days with events after as_of: only their events up to as_of count
    SELECT e.user_id AS user_id, e.value AS v, CASE WHEN e.value != 0 THEN e.ts END AS lc
    FROM {{ db }}.events AS e
    INNER JOIN (
        SELECT DISTINCT m.user_id AS user_id, m.local_date AS local_date FROM {{ db }}.daily_metrics AS m
        WHERE m.metric = {{ p('ref', 'String') }} AND {{ d.last_ts('m') }} > {{ d.ts('as_of') }}
          {% if bounded %}AND m.local_date >= {{ d.date('run_first') }} AND m.local_date <= {{ d.date('run_last') }}{% endif %}

          {% if candidates %}AND {{ d.in_list('m.user_id', 'users') }}{% endif %}

    ) AS s ON s.user_id = e.user_id AND s.local_date = e.local_date
    WHERE e.metric = {{ p('ref', 'String') }} AND e.ts <= {{ d.ts('as_of') }}
    {% endif %}
{% else %}
    SELECT user_id, points AS v, CASE WHEN points != 0 THEN ts END AS lc
    FROM {{ db }}.points_ledger
    WHERE system = {{ p('ref', 'String') }} AND ts <= {{ d.ts('as_of') }} AND seq <= {{ d.u64('committed') }}
      {% if bounded %}AND local_date >= {{ d.date('run_first') }} AND local_date <= {{ d.date('run_last') }}{% endif %}

      {% if candidates %}AND {{ d.in_list('user_id', 'users') }}{% endif %}

{% endif %}
),
scores AS MATERIALIZED (
    SELECT user_id, sum(v) AS score, max(lc) AS last_change
    FROM contrib GROUP BY user_id HAVING sum(v) != 0
),
grouped AS (
    SELECT '' AS grp, user_id, score, last_change FROM scores
    {% if breakdown %}
    UNION ALL
    SELECT {% if breakdown | length > 1 %}concat({% endif %}{% for b in breakdown %}{% if not loop.first %}, '/', {% endif %}{{ d.attr_or('u.attributes', b, "'(none)'") }}{% endfor %}{% if breakdown | length > 1 %}){% endif %} AS grp,
           s.user_id AS user_id, s.score AS score, s.last_change AS last_change
    FROM scores AS s
    LEFT JOIN (
        SELECT user_id, attributes FROM {{ db }}.users {{ d.final() }}
        WHERE user_id IN (SELECT user_id FROM scores)
    ) AS u ON u.user_id = s.user_id
    {% endif %}
)
