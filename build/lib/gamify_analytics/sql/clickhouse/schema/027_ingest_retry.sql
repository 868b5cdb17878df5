{% import '_macros.sql' as m with context %}
{#- A killed ingest, re-run, ends as if it had not been killed (tests/test_faults.py). An insert
    into events commits the events, then each materialized view's target, each on its own: a
    kill in between left events without their per-day aggregates, or (the dedup index written
    first) a re-run that skipped them for good. Now the dedup index is fed last, by a second
    insert of the batch's keys (event_keys_in, a Null table, and its view), so a batch whose
    keys are stored is complete; and both inserts carry a token derived from the batch, so a
    re-run sending the same batch again skips whatever parts of it are stored, in events and in
    each view's target, and writes the rest. Non-replicated tables keep their recent tokens only
    when told to (Replicated ones do by default). Statements are separated by lines holding
    only ";". -#}
{% if not cluster %}
{% for table in ['events', 'daily_metrics', 'event_keys'] %}
ALTER TABLE {{ db }}.{{ table }} MODIFY SETTING non_replicated_deduplication_window = 1000
;
{% endfor %}
{% endif %}
CREATE TABLE IF NOT EXISTS {{ m.local('event_keys_in') }}{{ m.on_cluster() }}
(
    user_id String,
    metric String,
    event_id String
)
ENGINE = Null
;
CREATE MATERIALIZED VIEW IF NOT EXISTS {{ db }}.event_keys_in_mv{{ m.on_cluster() }}
TO {{ m.local('event_keys') }}
AS SELECT reinterpretAsUInt128(sipHash128(user_id, metric, event_id)) AS h
FROM {{ m.local('event_keys_in') }}
;
{% if cluster %}
CREATE TABLE IF NOT EXISTS {{ db }}.event_keys_in ON CLUSTER {{ cluster }}
AS {{ db }}.event_keys_in_local
ENGINE = Distributed({{ cluster }}, {{ db }}, event_keys_in_local, rand())
;
{% endif %}
DROP VIEW IF EXISTS {{ db }}.event_keys_mv{{ m.on_cluster() }}
