{#- Dashboard filters (docs/dashboards.md), values always bound: `attrs` lists the (key, value)
    parameter names of user-attribute filters (AND-ed; users missing from the users table never
    match), `by_metric` restricts to the bound `metric`, `date_from`/`date_to` bound local dates.
    Templates of other features may include partials that use `of_users`: it renders nothing
    unless `attrs` is set. -#}
{% import '_dialect.sql' as d with context %}
{% macro of_users(col) -%}
{% if attrs is defined and attrs %} AND {{ col }} IN (SELECT user_id FROM {{ db }}.users {{ d.final() }} WHERE {% for k, v in attrs %}{% if not loop.first %} AND {% endif %}{{ d.attr_eq(k, v) }}{% endfor %}){% endif %}
{%- endmacro %}
{% macro of_metric(col) -%}
{% if by_metric %} AND {{ col }} = {{ p('metric', 'String') }}{% endif %}
{%- endmacro %}
{#- `col` within the range; `first` overrides its start (an expression) -#}
{% macro in_range(col, first=none) -%}
{{ col }} >= {{ first or d.date('date_from') }} AND {{ col }} <= {{ d.date('date_to') }}
{%- endmacro %}
{#- the local dates from `first` (an expression) to date_to, as a table with column `day` -#}
{% macro calendar(first) -%}
(SELECT {{ first }} + n AS day FROM {{ d.numbers(d.date('date_to') ~ ' - (' ~ first ~ ') + 1') }} AS c)
{%- endmacro %}
{#- final leaderboard rows of the selected boards (`boards`: key and first-run parameter names,
    period) whose run lies in the range -#}
{% macro board_runs(board, run) -%}
{{ run }} <= {{ d.date('date_to') }} AND ({% for b in boards %}{% if not loop.first %} OR {% endif %}({{ board }} = {{ p(b.key, 'String') }} AND {{ run }} >= {{ d.date(b.first_run) }}){% else %}false{% endfor %})
{%- endmacro %}
