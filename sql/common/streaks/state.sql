{#- Streak outputs per user as of T, computed from the events. -#}
{% set with_history = false %}
{% set with_previous = false %}
WITH
{% include 'streaks/_steps.sql' %},
{% include 'streaks/_chains.sql' %},
{% include 'streaks/_judge.sql' %},
{% include 'streaks/_state_select.sql' %}
