"""The default schedule, shipped in the package as `gamify_analytics.schedules` (see
pyproject.toml)."""
