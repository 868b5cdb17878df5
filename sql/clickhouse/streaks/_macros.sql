{#- Period arithmetic for one frequency: key of a date, the next key, and the ordinal used
    to count the periods between two periods (daily ordinals come from tz_days, since a zone
    may skip a day; weeks and months never are skipped). -#}
{% macro key(d) %}{% if frequency == 'daily' %}{{ d }}{% elif frequency == 'weekly' %}toMonday({{ d }}){% else %}toStartOfMonth({{ d }}){% endif %}{% endmacro %}
{% macro add(d, n) %}{% if frequency == 'daily' %}addDays({{ d }}, {{ n }}){% elif frequency == 'weekly' %}addWeeks({{ d }}, {{ n }}){% else %}addMonths({{ d }}, {{ n }}){% endif %}{% endmacro %}
{% macro ord(d, day_ordinal) %}{% if frequency == 'daily' %}toInt64({{ day_ordinal }}){% elif frequency == 'weekly' %}intDiv(toInt64(dateDiff('day', toDate('1970-01-05'), {{ d }})), 7){% else %}toInt64(toYear({{ d }}) * 12 + toMonth({{ d }})){% endif %}{% endmacro %}
{% macro day_of(ms, offset_s) %}toDate('1970-01-01') + toInt32(intDiv({{ ms }} + toInt64({{ offset_s }}) * 1000, 86400000)){% endmacro %}
{% macro as_of() %}{{ p('as_of', "DateTime64(3, 'UTC')") }}{% endmacro %}
{% macro as_of_ms() %}{{ p('as_of_ms', 'Int64') }}{% endmacro %}
{#- One step of the chain (docs/streaks.md): acc = (length, longest, balance, started index). -#}
{% macro step_length(acc, k) %}toInt64(multiIf({{ k }} < 0, 1, {{ k }} <= {{ acc }}.3, {{ acc }}.1 + 1, 1)){% endmacro %}
{% macro step_balance(acc, k) %}toInt64(multiIf({{ k }} < 0, least({{ p('initial', 'Int64') }}, {{ p('max_freezes', 'Int64') }}), {{ k }} <= {{ acc }}.3, {{ acc }}.3 - {{ k }}, 0)){% endmacro %}
{% macro earned(length) %}if({{ p('earn_every', 'Int64') }} > 0 AND {{ length }} % greatest({{ p('earn_every', 'Int64') }}, 1) = 0, {{ p('earn_amount', 'Int64') }}, 0){% endmacro %}
