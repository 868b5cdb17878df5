{% import '_dialect.sql' as d with context %}
board = {{ p('board', 'String') }} AND run = {{ d.date('run') }} AND grp = {{ p('grp', 'String') }} AND rank > {{ d.i64('rank') }}
