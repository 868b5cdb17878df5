{#- The streak statements' spellings on DuckDB (sql/clickhouse/streaks/_macros.sql: the same
    names, the same meaning). -#}
{% macro key(d) %}{% if frequency == 'daily' %}{{ d }}{% elif frequency == 'weekly' %}CAST(date_trunc('week', {{ d }}) AS DATE){% else %}CAST(date_trunc('month', {{ d }}) AS DATE){% endif %}{% endmacro %}
{% macro add(d, n) %}CAST({{ d }} + {% if frequency == 'daily' %}to_days{% elif frequency == 'weekly' %}to_weeks{% else %}to_months{% endif %}(CAST({{ n }} AS INTEGER)) AS DATE){% endmacro %}
{% macro day_num(d) %}CAST({{ d }} - DATE '1970-01-01' AS BIGINT){% endmacro %}
{% macro ord_of(d) %}{% if frequency == 'daily' %}CAST({{ d }} - DATE '1970-01-01' AS BIGINT){% elif frequency == 'weekly' %}CAST(({{ d }} - DATE '1970-01-05') // 7 AS BIGINT){% else %}CAST(year({{ d }}) * 12 + month({{ d }}) AS BIGINT){% endif %}{% endmacro %}
{% macro key_of_ord(o) %}{% if frequency == 'daily' %}CAST(DATE '1970-01-01' + CAST({{ o }} AS INTEGER) AS DATE){% elif frequency == 'weekly' %}CAST(DATE '1970-01-05' + CAST({{ o }} * 7 AS INTEGER) AS DATE){% else %}make_date(CAST(({{ o }} - 1) // 12 AS INTEGER), CAST(({{ o }} - 1) % 12 + 1 AS INTEGER), 1){% endif %}{% endmacro %}
{% macro gaps(list) %}list_transform(range(1, len({{ list }}) + 1), lambda g: CASE WHEN g = 1 THEN -1 ELSE {{ list }}[g] - {{ list }}[g - 1] - 1 END){% endmacro %}
{% macro day_of(ms, offset_s) %}(DATE '1970-01-01' + CAST(({{ ms }} + CAST({{ offset_s }} AS BIGINT) * 1000) // 86400000 AS INTEGER)){% endmacro %}
{% macro as_of() %}CAST($as_of AS TIMESTAMP){% endmacro %}
{% macro as_of_ms() %}CAST($as_of_ms AS BIGINT){% endmacro %}
{% macro int(x) %}CAST({{ x }} AS BIGINT){% endmacro %}
{% macro record(fields) %}struct_pack({% for f in fields %}{{ f[0] }} := {{ f[2] }}{% if not loop.last %}, {% endif %}{% endfor %}){% endmacro %}
{% macro sorted_list(r) %}list({{ r }} ORDER BY {{ r }}){% endmacro %}
{% macro map(x, expr, list) %}list_transform({{ list }}, lambda {{ x }}: {{ expr }}){% endmacro %}
{% macro map_i(i, expr, list) %}list_transform(range(1, len({{ list }}) + 1), lambda {{ i }}: {{ expr }}){% endmacro %}
{% macro fold(acc, init, list) %}list_reduce({{ list }}, lambda acc, x: {{ record(acc) }}, {{ record(init) }}){% endmacro %}
{% macro push(list, x) %}list_append({{ list }}, {{ x }}){% endmacro %}
{% macro tail(list) %}list_slice({{ list }}, 2, len({{ list }})){% endmacro %}
{% macro drop_last(list) %}list_slice({{ list }}, 1, len({{ list }}) - 1){% endmacro %}
{% macro len(list) %}len({{ list }}){% endmacro %}
{% macro empty_ints() %}CAST([] AS BIGINT[]){% endmacro %}
{% macro each_index(list) %}unnest(range(1, len({{ list }}) + 1)){% endmacro %}
{% macro each(list) %}unnest({{ list }}){% endmacro %}
{% macro range1(n) %}range(1, CAST({{ n }} AS BIGINT) + 1){% endmacro %}
{% macro zone_of(last) %}max({{ last }}).z{% endmacro %}
{% macro lag(x) %}lag({{ x }}){% endmacro %}
{% macro final() %}{% endmacro %}
{% macro ms_to_ts(ms) %}make_timestamp(({{ ms }}) * 1000){% endmacro %}
{#- the condition of an as-of join on the offset table: the last row starting at or before -#}
{% macro asof_after(probe, from_ms) %}{{ probe }} >= {{ from_ms }}{% endmacro %}
{% macro ints_type() %}BIGINT[]{% endmacro %}
{#- a number of days to add to a date -#}
{% macro days(x) %}CAST({{ x }} AS INTEGER){% endmacro %}
{#- a field of a record-valued expression -#}
{% macro field(r, name) %}struct_extract({{ r }}, '{{ name }}'){% endmacro %}
