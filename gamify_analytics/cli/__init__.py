"""The `gamify` command line (docs/cli.md)."""

from __future__ import annotations

from gamify_analytics.cli.main import app, run

__all__ = ["app", "run"]
