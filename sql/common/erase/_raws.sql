{% import '_dialect.sql' as d with context %}
{{ d.in_list('raw', 'raws') }}
