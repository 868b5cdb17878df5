SELECT count(*) FROM (SELECT DISTINCT user_id FROM {{ db }}.streak_chains WHERE streak = {{ p('streak', 'String') }}) AS c
