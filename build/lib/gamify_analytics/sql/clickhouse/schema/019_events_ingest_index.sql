{% import '_macros.sql' as m with context %}
{#- The achievements, points and streaks jobs read "events ingested since the last run, or
    fallen due since its as_of": a min/max of both columns per granule lets that filter skip
    every part written before the previous run (events are ordered by user, not by time). -#}
ALTER TABLE {{ m.local('events') }}{{ m.on_cluster() }}
    ADD INDEX IF NOT EXISTS ingest_window (ingested_at, ts) TYPE minmax GRANULARITY 1
;
ALTER TABLE {{ m.local('events') }}{{ m.on_cluster() }} MATERIALIZE INDEX ingest_window
