{#- Cluster mode: ON CLUSTER DDL, Replicated* engines, shard-local tables behind Distributed
    tables sharded by user. Single-node mode renders the plain statements. -#}
{% macro on_cluster() %}{% if cluster %} ON CLUSTER {{ cluster }}{% endif %}{% endmacro %}
{% macro local(name, sharded=true) %}{{ db }}.{{ name }}{% if cluster and sharded %}_local{% endif %}{% endmacro %}
{% macro engine(kind, name, args='', sharded=true) -%}
{% if cluster %}Replicated{{ kind }}('/clickhouse/tables/{% if sharded %}{shard}/{% endif %}{{ db }}/{{ name }}', '{% if not sharded %}{shard}-{% endif %}{replica}'{% if args %}, {{ args }}{% endif %}){% else %}{{ kind }}({{ args }}){% endif %}
{%- endmacro %}
