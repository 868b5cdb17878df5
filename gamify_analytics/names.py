"""The names the command line lists in its help: the jobs in dependency order and the
dashboards. They live here, apart from the code that runs them, so that `gamify --help` lists
them without importing the engines and dataframe libraries that code needs."""

from __future__ import annotations

#: Jobs in dependency order: later jobs read what earlier ones store (jobs/runner.py).
JOBS: tuple[str, ...] = ("streaks", "achievements", "points", "leaderboards", "dashboards")
#: The dashboards, in the order the report shows them (dashboards/query.py).
DASHBOARDS: tuple[str, ...] = (
    "overview",
    "retention",
    "engagement",
    "streaks",
    "achievements",
    "points",
    "leaderboards",
)
