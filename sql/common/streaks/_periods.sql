{#- Each user's local periods up to T with their zone (that of the latest event in the period)
    and whether they qualify (docs/streaks.md "Inputs"); `qualifying`: the qualifying ones,
    after the seed's period when the streaks job continues a stored chain. -#}
{% import 'streaks/_macros.sql' as s with context %}
{% import '_dialect.sql' as d with context %}
{% if changed_only or seeded %}{% include 'streaks/_seeds.sql' %},{% endif %}
{% if touched %}{% include 'streaks/_touched.sql' %},{% endif %}
{% include 'streaks/_days.sql' %},
periods AS (
    SELECT
        user_id,
        {{ s.key('local_date') }} AS pkey,
        {{ s.zone_of('last') }} AS zone,
        {% for c in conditions %}
        coalesce(sum(v) FILTER (WHERE metric = {{ p(c.metric_param, 'String') }}), 0) >= {{ d.dec(c.threshold_param) }} AS ok{{ loop.index0 }},
        {% endfor %}
        {% for c in conditions %}ok{{ loop.index0 }}{% if not loop.last %} {{ 'AND' if mode == 'all' else 'OR' }} {% endif %}{% endfor %} AS qualifies
    FROM inputs
    GROUP BY user_id, pkey
),
qualifying AS MATERIALIZED (
    SELECT p.user_id AS user_id, p.pkey AS pkey, p.zone AS zone
    FROM periods AS p
    {% if seeded %}
    INNER JOIN seeds AS sd ON sd.user_id = p.user_id
    -- after the seed's period, and from the user's own reread start: the rows are read from
    -- the earliest start of any seed, and a period of the chain before the seed can have a
    -- later key than the seed's (after a change of zone)
    WHERE p.qualifies AND p.pkey > sd.last_period AND p.pkey >= sd.read_from
    {% else %}
    WHERE p.qualifies
    {% endif %}
)
