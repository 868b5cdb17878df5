{#- The streaks job: recompute the chains of the users it is given and store them (a newer
    version replaces the older row; re-running writes the same rows). -#}
{% set with_history = false %}
INSERT INTO {{ db }}.streak_chains
    (streak, user_id, has_chain, length, longest, balance, started, last_period, last_zone, last_start_ms, last_end_ms, last_ord, freezes_used, version)
SELECT {{ p('streak', 'String') }}, user_id, has_chain, length, longest, balance, started, last_period, last_zone,
       last_start_ms, last_end_ms, last_ord, freezes_used, {{ p('version', 'UInt64') }}
FROM (
    WITH
    {% include 'streaks/_steps.sql' %},
    {% include 'streaks/_chains.sql' %}
    SELECT * FROM chains
)
