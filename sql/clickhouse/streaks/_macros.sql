{#- The streak statements' spellings on ClickHouse (sql/duckdb/streaks/_macros.sql: the same
    names, the same meaning). Period arithmetic for one frequency, records (named tuples)
    and the array functions the per-user fold is written with. -#}
{#- the key (first date) of the period of a date, and the key n periods on -#}
{% macro key(d) %}{% if frequency == 'daily' %}{{ d }}{% elif frequency == 'weekly' %}toMonday({{ d }}){% else %}toStartOfMonth({{ d }}){% endif %}{% endmacro %}
{% macro add(d, n) %}{% if frequency == 'daily' %}addDays({{ d }}, {{ n }}){% elif frequency == 'weekly' %}addWeeks({{ d }}, {{ n }}){% else %}addMonths({{ d }}, {{ n }}){% endif %}{% endmacro %}
{#- the days since 1970-01-01 of a date -#}
{% macro day_num(d) %}toInt64(dateDiff('day', toDate('1970-01-01'), {{ d }})){% endmacro %}
{#- a period key's ordinal in a zone that skips no day: consecutive periods, consecutive numbers -#}
{% macro ord_of(d) %}{% if frequency == 'daily' %}toInt64(dateDiff('day', toDate('1970-01-01'), {{ d }})){% elif frequency == 'weekly' %}intDiv(toInt64(dateDiff('day', toDate('1970-01-05'), {{ d }})), 7){% else %}toInt64(toYear({{ d }}) * 12 + toMonth({{ d }})){% endif %}{% endmacro %}
{#- the key of the period with that ordinal (the inverse of ord_of) -#}
{% macro key_of_ord(o) %}{% if frequency == 'daily' %}addDays(toDate('1970-01-01'), {{ o }}){% elif frequency == 'weekly' %}addDays(toDate('1970-01-05'), {{ o }} * 7){% else %}makeDate(toInt32(intDiv({{ o }} - 1, 12)), toInt32(({{ o }} - 1) % 12 + 1), 1){% endif %}{% endmacro %}
{#- k of each of a sorted list of ordinals: the periods missed since the previous one, -1 for the first -#}
{% macro gaps(list) %}arrayMap(g -> g - 1, arrayDifference({{ list }})){% endmacro %}
{#- the local date of an instant (ms) at a UTC offset (s) -#}
{% macro day_of(ms, offset_s) %}toDate('1970-01-01') + toInt32(intDiv({{ ms }} + toInt64({{ offset_s }}) * 1000, 86400000)){% endmacro %}
{% macro as_of() %}{{ p('as_of', "DateTime64(3, 'UTC')") }}{% endmacro %}
{% macro as_of_ms() %}{{ p('as_of_ms', 'Int64') }}{% endmacro %}
{% macro int(x) %}toInt64({{ x }}){% endmacro %}
{#- a record: fields [(name, type, expression)] readable as `r.name` -#}
{% macro record(fields) %}CAST(({% for f in fields %}{{ f[2] }}{% if not loop.last %}, {% endif %}{% endfor %}) AS Tuple({% for f in fields %}{{ f[0] }} {{ f[1] }}{% if not loop.last %}, {% endif %}{% endfor %})){% endmacro %}
{#- the records of a group, sorted by their fields in order -#}
{% macro sorted_list(r) %}arraySort(groupArray({{ r }})){% endmacro %}
{% macro map(x, expr, list) %}arrayMap({{ x }} -> {{ expr }}, {{ list }}){% endmacro %}
{% macro map_i(i, expr, list) %}arrayMap({{ i }} -> {{ expr }}, arrayEnumerate({{ list }})){% endmacro %}
{#- fold `list` into a record: `acc` [(name, type, expression of acc.<name> and x)], `init` its
    starting fields. The accumulator is a plain tuple read by position (acc.1, …): a named
    tuple would be cast at every step, which costs the fold more than its arithmetic; the
    result is cast to the named record once. -#}
{% macro fold(acc, init, list) -%}
CAST(arrayFold((acc, x) -> ({% for f in acc %}{{ positional(f[2], acc) }}{% if not loop.last %}, {% endif %}{% endfor %}), {{ list }}, ({% for f in init %}{{ f[2] }}{% if not loop.last %}, {% endif %}{% endfor %})) AS Tuple({% for f in acc %}{{ f[0] }} {{ f[1] }}{% if not loop.last %}, {% endif %}{% endfor %}))
{%- endmacro %}
{#- `expr` with acc.<name> as acc.<position> (longer names first: `lens` before `len`) -#}
{% macro positional(expr, fields) -%}
{% set out = namespace(e=expr) %}{% for n in range(64, 0, -1) %}{% for f in fields %}{% if f[0] | length == n %}{% set out.e = out.e | replace('acc.' ~ f[0], 'acc.' ~ loop.index) %}{% endif %}{% endfor %}{% endfor %}{{ out.e }}
{%- endmacro %}
{% macro push(list, x) %}arrayPushBack({{ list }}, {{ x }}){% endmacro %}
{% macro tail(list) %}arrayPopFront({{ list }}){% endmacro %}
{% macro drop_last(list) %}arrayPopBack({{ list }}){% endmacro %}
{% macro len(list) %}length({{ list }}){% endmacro %}
{% macro empty_ints() %}CAST([] AS Array(Int64)){% endmacro %}
{#- one row per index of a list, in a SELECT list -#}
{% macro each_index(list) %}arrayJoin(arrayEnumerate({{ list }})){% endmacro %}
{% macro each(list) %}arrayJoin({{ list }}){% endmacro %}
{% macro range1(n) %}range(1, toUInt64({{ n }}) + 1){% endmacro %}
{#- the zone of a period: that of its latest event, by (ts, event_id) -#}
{% macro zone_of(last) %}max({{ last }}).3{% endmacro %}
{% macro lag(x) %}lagInFrame({{ x }}){% endmacro %}
{% macro final() %}FINAL{% endmacro %}
{% macro ms_to_ts(ms) %}fromUnixTimestamp64Milli({{ ms }}, 'UTC'){% endmacro %}
{#- the condition of an as-of join on the offset table: the last row starting at or before -#}
{% macro asof_after(probe, from_ms) %}{{ from_ms }} <= {{ probe }}{% endmacro %}
{% macro ints_type() %}Array(Int64){% endmacro %}
{#- a number of days to add to a date -#}
{% macro days(x) %}toInt32({{ x }}){% endmacro %}
{#- a field of a record-valued expression -#}
{% macro field(r, name) %}tupleElement({{ r }}, '{{ name }}'){% endmacro %}
