{#- Which metrics the events new to a run carry: none means the run has nothing new to process
    (jobs skip their statements); achievements of other metrics are skipped (trigger mapping). -#}
WITH
{% include 'jobs/_new_events.sql' %}
SELECT DISTINCT metric FROM new_events
