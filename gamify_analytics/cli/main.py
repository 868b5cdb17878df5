"""`gamify`: the command line. Each command parses its options, calls the Python API, and
prints; no logic lives here. Options are declared once (`options.py`), and the global ones
reach each command through the typer context. A command imports the API (and with it the
engines and dataframe libraries) only when it runs: `gamify --help` imports none of them."""

from __future__ import annotations

import sys

import typer

from gamify_analytics.cli import dashboards, jobs, operate, reads, store, tools
from gamify_analytics.cli.options import STORE_TIMEOUT, ConfigOpt, DsnOpt, State, StoreTimeoutOpt
from gamify_analytics.cli.output import err
from gamify_analytics.errors import GamifyError

app = typer.Typer(no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)
for command in (store.init, store.ingest, store.rejects, jobs.run):
    app.command()(command)
for command in (reads.streaks, reads.achievements, reads.points, reads.leaderboard):
    app.command()(command)
for command in (dashboards.dashboard, dashboards.report, dashboards.verify):
    app.command()(command)
app.command("status")(operate.status_cmd)
app.command()(operate.erase)
app.command("scheduler")(jobs.scheduler_cmd)
app.add_typer(jobs.jobs_app, name="jobs")
app.add_typer(tools.fixtures_app, name="fixtures")
app.command()(tools.bench)
app.command()(tools.demo)


@app.callback()
def main(
    ctx: typer.Context,
    config: ConfigOpt = None,
    dsn: DsnOpt = None,
    store_timeout: StoreTimeoutOpt = STORE_TIMEOUT,
) -> None:
    """Streaks, achievements, points, leaderboards and dashboards from raw events."""
    ctx.obj = State(config, dsn, store_timeout)


def run() -> None:
    """Console entry point: one-line errors, non-zero exit codes."""
    try:
        app(standalone_mode=False)
    except GamifyError as e:
        err.print(f"gamify: error: {e}", soft_wrap=True)
        sys.exit(1)
    except typer.Abort:
        sys.exit(130)
    except Exception as e:
        # usage errors and exits of typer's bundled click carry their own exit codes
        if hasattr(e, "show") and hasattr(e, "exit_code"):
            e.show()
            sys.exit(e.exit_code)
        if type(e).__name__ == "Exit" and hasattr(e, "exit_code"):
            sys.exit(e.exit_code)
        err.print(f"gamify: error: {type(e).__name__}: {e}")
        sys.exit(1)
