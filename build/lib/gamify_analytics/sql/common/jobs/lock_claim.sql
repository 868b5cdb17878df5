{#- Write one job's claim (released = 0) or its release (released = 1): a newer version of the
    same (job, run_id) row. In cluster mode the write waits for a quorum of replicas, so that
    a claimer reading with sequential consistency sees it. -#}
{% import '_dialect.sql' as d with context %}
{{ d.insert('job_locks') }} (job, run_id, host, pid, claimed_at, released, version)
{% if cluster %}
SETTINGS insert_quorum = 'auto'
{% endif %}
VALUES ({{ p('job', 'String') }}, {{ p('run_id', 'String') }}, {{ p('host', 'String') }},
        {{ p('pid', 'UInt32') }}, {{ d.ts('claimed_at') }}, {{ p('released', 'UInt8') }},
        {{ d.u64('version') }})
