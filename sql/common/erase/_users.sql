{% import '_dialect.sql' as d with context %}
{{ d.in_list('user_id', 'ids') }}
