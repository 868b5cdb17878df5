{#- DuckDB spelling of sql/clickhouse/_dialect.sql: same names, same meaning. -#}
{% macro ts(name) %}CAST(${{ name }} AS TIMESTAMP){% endmacro %}
{% macro dec(name) %}CAST(${{ name }} AS DECIMAL(38, 6)){% endmacro %}
{% macro u64(name) %}CAST(${{ name }} AS UBIGINT){% endmacro %}
{% macro i64(name) %}CAST(${{ name }} AS BIGINT){% endmacro %}
{% macro strs(name) %}CAST(${{ name }} AS VARCHAR[]){% endmacro %}
{% macro has(list, x) %}list_contains({{ list }}, {{ x }}){% endmacro %}
{% macro final() %}{% endmacro %}
{#- a DELETE whose rows no read needs any more: ClickHouse applies it in the background -#}
{% macro in_background() %}{% endmacro %}
{% macro insert(table) %}INSERT OR REPLACE INTO {{ table }}{% endmacro %}
{% macro attr_eq(k, v) %}coalesce(attributes[${{ k }}] = ${{ v }}, false){% endmacro %}
{% macro period_key(d, period) %}{% if period == 'daily' %}{{ d }}{% elif period == 'weekly' %}CAST(date_trunc('week', {{ d }}) AS DATE){% else %}CAST(date_trunc('month', {{ d }}) AS DATE){% endif %}{% endmacro %}
{% macro micros(x) %}CAST(({{ x }}) * 1000000 AS HUGEINT){% endmacro %}
{% macro pow10(k) %}CAST('1' || repeat('0', CAST({{ k }} AS INTEGER)) AS HUGEINT){% endmacro %}
{% macro floordiv(a, b) %}((({{ a }}) - ((({{ a }}) % ({{ b }})) + ({{ b }})) % ({{ b }})) // ({{ b }})){% endmacro %}
{% macro ordered_list(value, order) %}list({{ value }} ORDER BY {{ order }}){% endmacro %}
{% macro clamped_totals(amounts, seed, cap) %}list_reduce({{ amounts }}, lambda acc, x: list_append(acc, CAST(least({{ cap }}, greatest(0, acc[-1] + x)) AS DECIMAL(38, 6))), [CAST({{ seed }} AS DECIMAL(38, 6))])[2:]{% endmacro %}
{% macro indexes(list) %}unnest(generate_series(1, len({{ list }}))){% endmacro %}
{% macro epoch_us(x) %}epoch_us({{ x }}){% endmacro %}
{% macro times_int(dec, n) %}{{ dec }} * CAST({{ n }} AS DECIMAL(38, 0)){% endmacro %}
{% macro date(name) %}CAST(${{ name }} AS DATE){% endmacro %}
{% macro last_ts(alias) %}{{ alias }}.last_ts{% endmacro %}
{% macro attr_or(map, k, missing) %}coalesce({{ map }}[${{ k }}], {{ missing }}){% endmacro %}
{% macro hash64(cols) %}hash({{ cols }}){% endmacro %}
{% macro numbers(count) %}(SELECT CAST(range AS INTEGER) AS n FROM range(CAST(greatest({{ count }}, 0) AS BIGINT))){% endmacro %}
{% macro each(list) %}unnest({{ list }}){% endmacro %}
{#- membership in a list parameter through a hash set (has() scans the list per row) -#}
{% macro in_list(col, name) %}{{ col }} IN (SELECT unnest(CAST(${{ name }} AS VARCHAR[]))){% endmacro %}
