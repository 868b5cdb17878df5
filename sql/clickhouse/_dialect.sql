{#- The few spellings that differ between engines, so that statements written once in
    sql/common/ run on both (DuckDB's twin: sql/duckdb/_dialect.sql). -#}
{% macro ts(name) %}{{ p(name, "DateTime64(3, 'UTC')") }}{% endmacro %}
{% macro dec(name) %}{{ p(name, 'Decimal(38, 6)') }}{% endmacro %}
{% macro u64(name) %}{{ p(name, 'UInt64') }}{% endmacro %}
{% macro i64(name) %}{{ p(name, 'Int64') }}{% endmacro %}
{% macro strs(name) %}{{ p(name, 'Array(String)') }}{% endmacro %}
{% macro has(list, x) %}has({{ list }}, {{ x }}){% endmacro %}
{% macro final() %}FINAL{% endmacro %}
{#- a DELETE whose rows no read needs any more: ClickHouse applies it in the background -#}
{% macro in_background() %}SETTINGS lightweight_deletes_sync = 0{% endmacro %}
{% macro insert(table) %}INSERT INTO {{ db }}.{{ table }}{% endmacro %}
{% macro attr_eq(k, v) %}(mapContains(attributes, {{ p(k, 'String') }}) AND attributes[{{ p(k, 'String') }}] = {{ p(v, 'String') }}){% endmacro %}
{% macro period_key(d, period) %}{% if period == 'daily' %}{{ d }}{% elif period == 'weekly' %}toMonday({{ d }}){% else %}toStartOfMonth({{ d }}){% endif %}{% endmacro %}
{#- exact micro-units of a Decimal(38, 6), and floor division of integers (towards -inf) -#}
{% macro micros(x) %}toInt128(({{ x }}) * 1000000){% endmacro %}
{#- 10 to the power k (0 … 37), exactly, as a 128-bit integer -#}
{% macro pow10(k) %}toInt128(concat('1', repeat('0', toUInt32({{ k }})))){% endmacro %}
{% macro floordiv(a, b) %}intDiv(({{ a }}) - ((({{ a }}) % ({{ b }})) + ({{ b }})) % ({{ b }}), {{ b }}){% endmacro %}
{% macro ordered_list(value, order) %}arrayMap(x -> x.2, arraySort(groupArray(({{ order }}, {{ value }})))){% endmacro %}
{#- running totals clamped to [0, cap] after each amount, starting from seed -#}
{% macro clamped_totals(amounts, seed, cap) %}arrayPopFront(arrayFold((acc, x) -> arrayPushBack(acc, least({{ cap }}, greatest(toDecimal128(0, 6), acc[-1] + x))), {{ amounts }}, [toDecimal128({{ seed }}, 6)])){% endmacro %}
{% macro indexes(list) %}arrayJoin(arrayEnumerate({{ list }})){% endmacro %}
{% macro epoch_us(x) %}toUnixTimestamp64Micro({{ x }}){% endmacro %}
{% macro times_int(dec, n) %}{{ dec }} * ({{ n }}){% endmacro %}
{% macro date(name) %}{{ p(name, 'Date') }}{% endmacro %}
{% macro last_ts(alias) %}{{ alias }}.last.1{% endmacro %}
{% macro attr_or(map, k, missing) %}if(mapContains({{ map }}, {{ p(k, 'String') }}), {{ map }}[{{ p(k, 'String') }}], {{ missing }}){% endmacro %}
{#- a 64-bit hash of the listed columns (random samples ordered by hash with a seed) -#}
{% macro hash64(cols) %}cityHash64({{ cols }}){% endmacro %}
{#- the integers 0 … count-1 as a one-column table `n` (calendars and offset grids) -#}
{% macro numbers(count) %}(SELECT toInt32(number) AS n FROM numbers(toUInt64(greatest({{ count }}, 0)))){% endmacro %}
{% macro each(list) %}arrayJoin({{ list }}){% endmacro %}
{#- membership in a list parameter through a hash set (has() scans the list per row) -#}
{% macro in_list(col, name) %}{{ col }} IN (SELECT arrayJoin({{ p(name, 'Array(String)') }})){% endmacro %}
