{#- Delete rows with a mutation and wait for it on every replica (`mutations_sync = 2`): the
    parts holding them are rewritten without them, so they are gone from disk once the old
    parts are cleaned up, and no merge can bring them back. Sharded tables are mutated where
    their rows live (cluster mode). The dedup index is matched through the events table. -#}
{% import '_dialect.sql' as d with context %}
{% import '_macros.sql' as m with context %}
{% set sharded = table_ident in ['events', 'event_keys', 'daily_metrics', 'users', 'streak_chains',
                                 'progress', 'achievements', 'streak_milestones', 'points_ledger'] %}
ALTER TABLE {{ m.local(table_ident, sharded) }}{{ m.on_cluster() }}
DELETE WHERE {% include 'erase/_' ~ rows ~ '.sql' %}

SETTINGS mutations_sync = 2, allow_nondeterministic_mutations = 1
