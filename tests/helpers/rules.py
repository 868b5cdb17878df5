"""The rules the fault-injection and erasure scenarios share: three metrics, a daily and a
weekly streak with freezes, one achievement of each kind, and a points system with levels.
Each scenario adds its own leaderboards."""

from __future__ import annotations

RULES = """
[[metrics]]
key = "lessons"

[[metrics]]
key = "minutes"

[[metrics]]
key = "quizzes"

[[streaks]]
key = "daily"
frequency = "daily"
conditions = [{ metric = "lessons", threshold = 1 }]
freezes = { initial = 1, max = 2, earn_every = 3, earn_amount = 1 }

[[streaks]]
key = "weekly"
frequency = "weekly"
mode = "any"
conditions = [{ metric = "minutes", threshold = 30 }, { metric = "quizzes", threshold = 1 }]

[[achievements]]
key = "lessons_5"
kind = "metric"
metric = "lessons"
threshold = 5

[[achievements]]
key = "streak_3"
kind = "streak"
streak = "daily"
length = 3

[[achievements]]
key = "quiz_day"
kind = "period"
metric = "quizzes"
period = "daily"
threshold = 2

[[achievements]]
key = "both"
kind = "composite"
requires = ["lessons_5", "streak_3"]

[[points]]
key = "xp"
max_points = 300
triggers = [
  { metric = "lessons", points = 10, per = 1 },
  { metric = "minutes", points = 1, per = 10 },
  { achievement = "lessons_5", points = 50 },
  { streak = "daily", length = 3, points = 20 },
]
levels = [{ key = "bronze", points = 0 }, { key = "silver", points = 100 }]
"""
