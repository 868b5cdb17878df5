{#- The claims on `jobs` not released and not older than `since`, earliest first per job
    (claimed_at, then run_id): the first one holds the job. Whether a holder's process is still
    alive is judged by the caller (it knows its own host). -#}
{% import '_dialect.sql' as d with context %}
SELECT job, run_id, c_host AS host, c_pid AS pid, c_claimed_at AS claimed_at
FROM (
    -- the newest version of each claim: a retry of the same run writes a new claim after its
    -- release, and on ClickHouse both rows stay until a merge replaces the older one
    SELECT job, run_id, argMax(host, version) AS c_host, argMax(pid, version) AS c_pid,
           argMax(claimed_at, version) AS c_claimed_at, argMax(released, version) AS c_released
    FROM {{ db }}.job_locks
    WHERE {{ d.has(d.strs('jobs'), 'job') }} AND claimed_at > {{ d.ts('since') }}
    GROUP BY job, run_id
) AS c
WHERE c_released = 0
ORDER BY job, claimed_at, run_id
{% if cluster %}
SETTINGS select_sequential_consistency = 1
{% endif %}
