"""What each dashboard panel holds and how to draw it: pure data, read by the HTML report and
documented in docs/dashboards.md.

`PANELS[dashboard][panel]`: `{"title": str, "chart": "line" | "bar" | "heatmap" | "table",
"key": [columns identifying a row], "x": {"column", "title", "unit"},
"y": [{"column", "title", "unit"}, …], "series": [columns whose values together name one
series; empty: the y columns are the series], "value": {"column", "title", "unit"} (heatmaps:
the cell; y[0] is the row axis)}`. Units: "date", "days", "periods", "users", "events",
"value" (a metric's values), "points", "score", "%", and the names of things ("metric",
"streak", "achievement", …).
"""

from __future__ import annotations

from typing import TypedDict


class Axis(TypedDict):
    column: str
    title: str
    unit: str


class Panel(TypedDict, total=False):
    title: str
    chart: str  # "line" | "bar" | "heatmap" | "table"
    key: list[str]  # the columns that identify a row; frames are sorted by them
    x: Axis
    y: list[Axis]
    series: list[str]  # columns whose values, together, name one series (may be empty)
    value: Axis  # heatmap only: the cell value (x and y[0] are the two axes)


def _a(column: str, title: str, unit: str) -> Axis:
    return {"column": column, "title": title, "unit": unit}


DAY = _a("day", "Local date", "date")
USERS = _a("users", "Users", "users")

PANELS: dict[str, dict[str, Panel]] = {
    "overview": {
        "active_users": {
            "title": "Daily, weekly and monthly active users",
            "chart": "line",
            "key": ["day"],
            "x": DAY,
            "y": [
                _a("dau", "DAU", "users"),
                _a("wau", "WAU (7 days)", "users"),
                _a("mau", "MAU (30 days)", "users"),
            ],
            "series": [],
        },
        "events_per_metric": {
            "title": "Events per metric",
            "chart": "line",
            "key": ["day", "metric"],
            "x": DAY,
            "y": [
                _a("events", "Events", "events"),
                _a("value", "Sum of values", "value"),
                _a("users", "Users with an event", "users"),
            ],
            "series": ["metric"],
        },
    },
    "retention": {
        "cohorts": {
            "title": "Retention by first-active date",
            "chart": "heatmap",
            "key": ["cohort", "day_offset"],
            "x": _a("day_offset", "Days since first activity", "days"),
            "y": [_a("cohort", "First-active local date", "date")],
            "value": _a("retained_pct", "Retained", "%"),
            "series": [],
        },
        "curve": {
            "title": "Retention curve (all cohorts)",
            "chart": "line",
            "key": ["day_offset"],
            "x": _a("day_offset", "Days since first activity", "days"),
            "y": [_a("retained_pct", "Retained", "%")],
            "series": [],
        },
    },
    "engagement": {
        "daily": {
            "title": "Events per active user",
            "chart": "line",
            "key": ["day"],
            "x": DAY,
            "y": [
                _a("events_per_user", "Events per active user", "events"),
                _a("active_users", "Active users", "users"),
            ],
            "series": [],
        },
        "active_days": {
            "title": "Active days per user",
            "chart": "bar",
            "key": ["active_days"],
            "x": _a("active_days", "Active days in the range", "days"),
            "y": [USERS],
            "series": [],
        },
        "metrics_per_user": {
            "title": "Metrics used per user",
            "chart": "bar",
            "key": ["metrics"],
            "x": _a("metrics", "Distinct metrics in the range", "metrics"),
            "y": [USERS],
            "series": [],
        },
    },
    "streaks": {
        "summary": {
            "title": "Streaks now",
            "chart": "table",
            "key": ["streak"],
            "x": _a("streak", "Streak", "streak"),
            "y": [
                _a("active", "Active", "users"),
                _a("at_risk", "At risk", "users"),
                _a("broken", "Broken", "users"),
                _a("avg_length", "Average length", "periods"),
                _a("max_length", "Longest current", "periods"),
                _a("longest_ever", "Longest ever", "periods"),
                _a("freezes_consumed", "Freezes consumed", "freezes"),
            ],
            "series": [],
        },
        "lengths": {
            "title": "Current streak lengths",
            "chart": "bar",
            "key": ["streak", "length"],
            "x": _a("length", "Length", "periods"),
            "y": [USERS],
            "series": ["streak"],
        },
        "daily": {
            "title": "Streaks extended per period",
            "chart": "line",
            "key": ["streak", "period"],
            "x": _a("period", "Period (first local date)", "date"),
            "y": [USERS],
            "series": ["streak"],
        },
    },
    "achievements": {
        "completions": {
            "title": "Completions over time",
            "chart": "bar",
            "key": ["day", "achievement"],
            "x": DAY,
            "y": [_a("completions", "Completions", "users")],
            "series": ["achievement"],
        },
        "rarity": {
            "title": "Rarity",
            "chart": "bar",
            "key": ["achievement"],
            "x": _a("achievement", "Achievement", "achievement"),
            "y": [_a("rarity_pct", "Users who completed it", "%")],
            "series": [],
        },
    },
    "points": {
        "awarded": {
            "title": "Points awarded by trigger",
            "chart": "bar",
            "key": ["day", "system", "trigger"],
            "x": DAY,
            "y": [_a("points", "Points awarded", "points"), _a("awards", "Awards", "awards")],
            "series": ["system", "trigger"],
        },
        "levels": {
            "title": "Level distribution",
            "chart": "bar",
            "key": ["system", "min_points", "level"],
            "x": _a("level", "Level", "level"),
            "y": [USERS],
            "series": ["system"],
        },
    },
    "leaderboards": {
        "runs": {
            "title": "Participants per final run",
            "chart": "line",
            "key": ["board", "run"],
            "x": _a("run", "Run (first local date)", "date"),
            "y": [
                _a("participants", "Participants", "users"),
                _a("late", "Late contributions", "contributions"),
            ],
            "series": ["board"],
        },
        "scores": {
            "title": "Final score histogram",
            "chart": "bar",
            "key": ["board", "bin"],
            "x": _a("lower", "Score (bin start)", "score"),
            "y": [_a("entries", "Entries", "entries")],
            "series": ["board"],
        },
        "rank_changes": {
            "title": "Rank changes from the previous run",
            "chart": "bar",
            "key": ["board", "run"],
            "x": _a("run", "Run (first local date)", "date"),
            "y": [
                _a("moved_up", "Moved up", "users"),
                _a("moved_down", "Moved down", "users"),
                _a("unchanged", "Unchanged", "users"),
                _a("new_entries", "New entries", "users"),
            ],
            "series": ["board"],
        },
    },
}
