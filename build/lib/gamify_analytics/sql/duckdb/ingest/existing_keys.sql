SELECT s.i FROM _gamify_stage AS s SEMI JOIN events AS e USING (user_id, metric, event_id)
