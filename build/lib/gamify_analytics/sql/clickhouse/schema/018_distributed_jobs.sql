{#- Cluster mode only: Distributed tables over the job outputs, sharded by user like events. -#}
{% if cluster %}
{% for table in ['streak_chains', 'progress', 'achievements', 'streak_milestones', 'points_ledger'] %}
CREATE TABLE IF NOT EXISTS {{ db }}.{{ table }} ON CLUSTER {{ cluster }}
AS {{ db }}.{{ table }}_local
ENGINE = Distributed({{ cluster }}, {{ db }}, {{ table }}_local, cityHash64(user_id))
;
{% endfor %}
{% endif %}
