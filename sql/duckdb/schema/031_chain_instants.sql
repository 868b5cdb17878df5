{#- The streaks job no longer stores its periods' start and end instants (the ClickHouse twin
    says why). -#}
{% for column in ['last_start_ms', 'last_end_ms', 'prev_start_ms', 'prev_end_ms'] %}
ALTER TABLE streak_chains DROP COLUMN IF EXISTS {{ column }}
;
{% endfor %}
