{#- The streaks job: recompute the chains of the users it is given and store them (a newer
    version replaces the older row; re-running writes the same rows). -#}
{% import '_dialect.sql' as d with context %}
{% set with_history = false %}
{% set with_previous = true %}
{{ d.insert('streak_chains') }}
    (streak, user_id, has_chain, length, longest, balance, started, last_period, last_zone, last_ord, freezes_used,
     has_prev, prev_length, prev_longest, prev_balance, prev_started, prev_freezes_used, prev_period, prev_zone,
     prev_ord, version)
SELECT {{ p('streak', 'String') }}, user_id, has_chain, length, longest, balance, started, last_period, last_zone,
       last_ord, freezes_used,
       has_prev, prev_length, prev_longest, prev_balance, prev_started, prev_freezes_used, prev_period, prev_zone,
       prev_ord, {{ d.u64('version') }}
FROM (
    WITH
    {% include 'streaks/_steps.sql' %},
    {% include 'streaks/_chains.sql' %}
    SELECT * FROM chains
) AS c
