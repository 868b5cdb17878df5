"""The global options every `gamify` command shares, and the store they open."""

from __future__ import annotations

from pathlib import Path

from gamify_analytics.api import Gamify
from gamify_analytics.config import Config
from gamify_analytics.output import err

#: Set by the `gamify` callback: --config, --dsn, --store-timeout.
OPTIONS: dict[str, object] = {}
#: How long a command waits for a store another process holds, unless told.
STORE_TIMEOUT = 600.0


def _waiting(message: str) -> None:
    err.print(f"gamify: {message}", markup=False, highlight=False, soft_wrap=True)


def store(config: Config | None = None) -> Gamify:
    """The store and config of this command (opened on first use). An embedded store that
    another process holds (the scheduler running a job, another command) is waited for, with a
    message, up to --store-timeout seconds."""
    chosen: Config | Path | None = config or OPTIONS.get("config")  # type: ignore[assignment]
    return Gamify(
        chosen,
        OPTIONS.get("dsn"),  # type: ignore[arg-type]
        store_timeout=float(OPTIONS.get("store_timeout", STORE_TIMEOUT)),  # type: ignore[arg-type]
        on_wait=_waiting,
    )
