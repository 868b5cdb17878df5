{#- Which metrics the new events carry (trigger mapping: achievements of other metrics are skipped). -#}
WITH
{% include 'jobs/_new_events.sql' %}
SELECT DISTINCT metric FROM new_events
