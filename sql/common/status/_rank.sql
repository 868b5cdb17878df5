{#- Percentiles by nearest rank, the same on every engine: the p-th of n values (sorted, ranked
    1…n in `k`) is the one ranked ceil(p × n / 1000), p in thousandths. -#}
{% import '_dialect.sql' as d with context %}
{% macro nearest(value, permille) -%}
max(CASE WHEN k = {{ d.floordiv('n * ' ~ permille ~ ' + 999', '1000') }} THEN {{ value }} END)
{%- endmacro %}
