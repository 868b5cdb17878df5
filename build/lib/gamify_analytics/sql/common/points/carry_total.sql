{#- Carry each awarded user's points total: the total after their last award of this run. -#}
{% import '_dialect.sql' as d with context %}
{{ d.insert('progress') }} (scope, user_id, counter, total, seq)
SELECT {{ p('scope', 'String') }} AS scope, user_id, '_total' AS counter, total, {{ d.u64('seq') }} AS seq
FROM {{ db }}.points_ledger
WHERE system = {{ p('system', 'String') }} AND seq = {{ d.u64('seq') }}
QUALIFY row_number() OVER (PARTITION BY user_id ORDER BY ts DESC, event_id DESC, trigger DESC) = 1
