{% import '_macros.sql' as m with context %}
{#- The streaks job no longer stores its periods' start and end instants: reads judge a chain
    by ordinals, and the job looks up the few instants it needs. The Distributed table of
    cluster mode follows its shard tables. -#}
{% for table in ([m.local('streak_chains')] + ([db ~ '.streak_chains'] if cluster else [])) %}
ALTER TABLE {{ table }}{{ m.on_cluster() }}
    DROP COLUMN IF EXISTS last_start_ms,
    DROP COLUMN IF EXISTS last_end_ms,
    DROP COLUMN IF EXISTS prev_start_ms,
    DROP COLUMN IF EXISTS prev_end_ms
;
{% endfor %}
