{#- Completions and milestones new to a points run: stored since the upstream sequence it
    consumed last, or fallen due since its as-of (`at`: their instant column). -#}
{% import '_dialect.sql' as d with context %}
{% macro new_upstream(at) -%}
seq <= {{ d.u64('upstream') }} AND {{ at }} <= {{ d.ts('as_of') }}
              AND (seq > {{ d.u64('consumed') }} OR {{ at }} > {{ d.ts('previous_as_of') }})
{%- endmacro %}
