{#- Streak outputs per user as of T, from the chains the streaks job stored. -#}
WITH
{% include 'streaks/_stored_chains.sql' %},
{% include 'streaks/_judge.sql' %},
{% include 'streaks/_state_select.sql' %}
