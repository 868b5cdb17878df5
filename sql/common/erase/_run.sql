{% import '_dialect.sql' as d with context %}
board = {{ p('board', 'String') }} AND run = {{ d.date('run') }}
