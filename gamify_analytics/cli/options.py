"""Every option of the command line, declared once, and the state the `gamify` callback keeps
in the typer context for the command it runs (the store and config it opens).

Nothing here imports the API, the engines or the dataframe libraries at import time: the
command that runs imports what it uses (`store()`), so `gamify --help` stays fast."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from gamify_analytics.cli.output import Format, err

if TYPE_CHECKING:
    from gamify_analytics.api import Gamify
    from gamify_analytics.config import Config

#: How long a command waits for a store another process holds, unless told.
STORE_TIMEOUT = 600.0
DATE = ["%Y-%m-%d"]

ConfigOpt = Annotated[
    Path | None,
    typer.Option("--config", envvar="GAMIFY_CONFIG", help="Config file (default: ./gamify.toml)."),
]
DsnOpt = Annotated[
    str | None,
    typer.Option(
        "--dsn",
        envvar="GAMIFY_DSN",
        help="Store DSN (default: the config's \\[storage] dsn, else ./.gamify/clickhouse).",
    ),
]
StoreTimeoutOpt = Annotated[
    float,
    typer.Option(
        "--store-timeout",
        envvar="GAMIFY_STORE_TIMEOUT",
        min=0,
        help="Seconds to wait for a store another process is using (0: fail at once).",
    ),
]
FormatOpt = Annotated[Format, typer.Option("--format", help="Output format.")]
AsOfOpt = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        help="ISO-8601 instant with Z or an offset (default: the as-of of the last run of the "
        "job that stores what this reads).",
    ),
]
RunAsOfOpt = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        help="ISO-8601 instant with Z or an offset (default: now); not before a job's last "
        "run unless --full.",
    ),
]
UserOpt = Annotated[str | None, typer.Option("--user", help="One user.")]
FromOpt = Annotated[
    datetime | None, typer.Option("--from", formats=DATE, help="First local date (default: all).")
]
ToOpt = Annotated[
    datetime | None, typer.Option("--to", formats=DATE, help="Last local date (default: all).")
]
MetricOpt = Annotated[str | None, typer.Option("--metric", help="Only this metric.")]
AttrOpt = Annotated[
    list[str] | None,
    typer.Option("--attr", help="User attribute KEY=VALUE (repeatable, all must match)."),
]


ScheduleOpt = Annotated[
    Path | None,
    typer.Option(
        "--schedule", envvar="GAMIFY_SCHEDULE", help="Schedule file (default: jobs/schedule.toml)."
    ),
]


@dataclass(frozen=True)
class State:
    """The global options of this invocation (the `gamify` callback sets it)."""

    config: Path | None = None
    dsn: str | None = None
    store_timeout: float = STORE_TIMEOUT


def _waiting(message: str) -> None:
    err.print(f"gamify: {message}", markup=False, highlight=False, soft_wrap=True)


def store(ctx: typer.Context, config: Config | None = None) -> Gamify:
    """The store and config of this command (opened on first use). An embedded store that
    another process holds (the scheduler running a job, another command) is waited for, with a
    message, up to --store-timeout seconds."""
    from gamify_analytics.api import Gamify

    state: State = ctx.obj or State()
    return Gamify(
        config or state.config,
        state.dsn,
        store_timeout=state.store_timeout,
        on_wait=_waiting,
    )


def as_of(value: str | None) -> datetime | None:
    """`--as-of`: ISO-8601 with an offset (a local time without one is ambiguous)."""
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not ISO-8601", param_hint="--as-of") from None
    if parsed.tzinfo is None:
        raise typer.BadParameter(
            f"{value!r} has no UTC offset (add Z or +HH:MM)", param_hint="--as-of"
        )
    return parsed


def day(value: str | None, option: str) -> date | None:
    """A `YYYY-MM-DD` option."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(
            f"{value!r} is not a date (YYYY-MM-DD)", param_hint=option
        ) from None
