{#- DuckDB spelling of sql/clickhouse/streaks/_macros.sql: same names, same meaning. -#}
{% macro key(d) %}{% if frequency == 'daily' %}{{ d }}{% elif frequency == 'weekly' %}CAST(date_trunc('week', {{ d }}) AS DATE){% else %}CAST(date_trunc('month', {{ d }}) AS DATE){% endif %}{% endmacro %}
{% macro add(d, n) %}CAST({{ d }} + {% if frequency == 'daily' %}to_days{% elif frequency == 'weekly' %}to_weeks{% else %}to_months{% endif %}(CAST({{ n }} AS INTEGER)) AS DATE){% endmacro %}
{% macro ord(d, day_ordinal) %}{% if frequency == 'daily' %}CAST({{ day_ordinal }} AS BIGINT){% elif frequency == 'weekly' %}CAST(({{ d }} - DATE '1970-01-05') // 7 AS BIGINT){% else %}CAST(year({{ d }}) * 12 + month({{ d }}) AS BIGINT){% endif %}{% endmacro %}
{% macro day_of(ms, offset_s) %}(DATE '1970-01-01' + CAST(({{ ms }} + CAST({{ offset_s }} AS BIGINT) * 1000) // 86400000 AS INTEGER)){% endmacro %}
{% macro as_of() %}CAST($as_of AS TIMESTAMP){% endmacro %}
{% macro as_of_ms() %}CAST($as_of_ms AS BIGINT){% endmacro %}
{% macro step_length(acc, k) %}CAST(CASE WHEN {{ k }} < 0 THEN 1 WHEN {{ k }} <= {{ acc }}.bal THEN {{ acc }}.len + 1 ELSE 1 END AS BIGINT){% endmacro %}
{% macro step_balance(acc, k) %}CAST(CASE WHEN {{ k }} < 0 THEN least($initial, $max_freezes) WHEN {{ k }} <= {{ acc }}.bal THEN {{ acc }}.bal - {{ k }} ELSE 0 END AS BIGINT){% endmacro %}
{% macro earned(length) %}(CASE WHEN $earn_every > 0 AND {{ length }} % greatest($earn_every, 1) = 0 THEN $earn_amount ELSE 0 END){% endmacro %}
