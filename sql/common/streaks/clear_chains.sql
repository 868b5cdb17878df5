DELETE FROM {{ db }}.streak_chains WHERE streak = {{ p('streak', 'String') }}
