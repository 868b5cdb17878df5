{#- The dedup hash of a key, as the index stores it (the same expression as the index's view,
    schema/027_ingest_retry.sql), and a hash as its high and low 64-bit halves (what the
    ingest keeps in memory). -#}
{% macro key_hash() -%}
reinterpretAsUInt128(sipHash128(user_id, metric, event_id))
{%- endmacro %}
{% macro halves(h) -%}
toUInt64(bitShiftRight({{ h }}, 64)) AS hi, toUInt64(bitAnd({{ h }}, toUInt128('18446744073709551615'))) AS lo
{%- endmacro %}
