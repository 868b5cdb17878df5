{#- A 128-bit dedup hash as its high and low 64-bit halves (what the ingest keeps in memory). -#}
{% macro halves(h) -%}
toUInt64(bitShiftRight({{ h }}, 64)) AS hi, toUInt64(bitAnd({{ h }}, toUInt128('18446744073709551615'))) AS lo
{%- endmacro %}
