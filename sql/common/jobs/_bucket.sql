{#- A user range of a full recompute (`bucket_starts.sql`): `bucketed` names the bounds it has,
    so the first and the last range compare once and the key's index prunes either way. -#}
{% macro of_bucket(col) -%}
{% if 'lo' in bucketed %}{{ col }} >= {{ p('bucket_lo', 'String') }}{% endif %}
{%- if bucketed | length == 2 %} AND {% endif %}
{%- if 'hi' in bucketed %}{{ col }} < {{ p('bucket_hi', 'String') }}{% endif %}
{%- endmacro %}
