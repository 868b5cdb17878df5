"""The names and defaults the command line shows in its help: the jobs in dependency order,
the dashboards, `gamify status`'s defaults. They live here, apart from the code that uses them,
so that `gamify --help` shows them without importing the engines and dataframe libraries that
code needs."""

from __future__ import annotations

from datetime import timedelta

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
#: Runs per job that `gamify status` reads for durations and failures (status.py).
STATUS_LAST_RUNS = 20
#: How late a scheduled run or a finalization may be before `gamify status` alerts.
STATUS_GRACE = timedelta(minutes=30)
