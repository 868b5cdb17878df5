{#- The row filter of `days` (included by sql/<engine>/streaks/_days.sql): which users. Every
    metric's rows are read: a period's zone is that of its latest event of any metric. -#}
{% import 'jobs/_bucket.sql' as b with context %}
{% if filter_users %}AND {{ d.in_list('user_id', 'users') }}{% endif %}
{{ f.of_users('user_id') }}
{% if touched %}AND user_id IN (SELECT user_id FROM touched_users){% endif %}
{% if bucketed is defined and bucketed %}AND {{ b.of_bucket('user_id') }}{% endif %}
{% if changed_only %}
-- the streaks job: users with events ingested since its last run, or whose events became due
-- (ts between the last run's as_of and this one's), who cannot continue a stored chain
AND user_id IN (SELECT user_id FROM changed) AND user_id NOT IN (SELECT user_id FROM seeds)
{% endif %}
{% if seeded %}
-- continuing stored chains: only the periods new events touched (read from the earliest of
-- them; each user's periods before its own start, or up to its seed's, are dropped in
-- `qualifying`)
AND user_id IN (SELECT user_id FROM seeds) AND local_date >= (SELECT min(read_from) FROM seeds)
{% endif %}
