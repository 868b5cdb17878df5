DELETE FROM {{ db }}.streak_milestones WHERE streak = {{ p('streak', 'String') }}
