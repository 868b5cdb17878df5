DELETE FROM streak_chains WHERE streak = $streak
