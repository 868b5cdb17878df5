{#- Cluster mode only: the public names are Distributed tables over the shard-local ones,
    sharded by user so every per-user computation stays on one shard. Statements are separated
    by lines holding only ";". -#}
{% if cluster %}
{% for table, sharding in [('events', 'cityHash64(user_id)'), ('event_keys', 'rand()'),
                           ('daily_metrics', 'cityHash64(user_id)'), ('users', 'cityHash64(user_id)')] %}
CREATE TABLE IF NOT EXISTS {{ db }}.{{ table }} ON CLUSTER {{ cluster }}
AS {{ db }}.{{ table }}_local
ENGINE = Distributed({{ cluster }}, {{ db }}, {{ table }}_local, {{ sharding }})
;
{% endfor %}
{% endif %}
