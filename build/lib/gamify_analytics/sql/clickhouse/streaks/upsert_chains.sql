{#- The streaks job: recompute the chains of the users it is given and store them (a newer
    version replaces the older row; re-running writes the same rows). -#}
{% set with_history = false %}
{% set with_previous = true %}
INSERT INTO {{ db }}.streak_chains
    (streak, user_id, has_chain, length, longest, balance, started, last_period, last_zone, last_start_ms, last_end_ms, last_ord, freezes_used,
     has_prev, prev_length, prev_longest, prev_balance, prev_started, prev_freezes_used, prev_period, prev_zone,
     prev_start_ms, prev_end_ms, prev_ord, version)
SELECT {{ p('streak', 'String') }}, user_id, has_chain, length, longest, balance, started, last_period, last_zone,
       last_start_ms, last_end_ms, last_ord, freezes_used,
       has_prev, prev_length, prev_longest, prev_balance, prev_started, prev_freezes_used, prev_period, prev_zone,
       prev_start_ms, prev_end_ms, prev_ord, {{ p('version', 'UInt64') }}
FROM (
    WITH
    {% include 'streaks/_steps.sql' %},
    {% include 'streaks/_chains.sql' %}
    SELECT * FROM chains
)
