"""Killing a `gamify` subprocess with SIGKILL at a chosen engine call, and finding the calls to
choose from: `counting()` records the engine calls a step makes in this process; `DRIVER` runs
`gamify` with the same calls counted and kills itself just before call number `$GAMIFY_KILL_AT`
(1-based). The same step on a copy of the same store makes the same calls, so a kill lands
exactly where it was aimed, however busy the machine is."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterator
from typing import Any

from gamify_analytics.engines.clickhouse import ClickHouseEngine
from gamify_analytics.engines.duckdb import DuckDBEngine

#: Every statement passes through one of these (an upsert may call insert: both count).
HOOKED = ("run_sql", "query_sql", "insert", "upsert")
AT = "GAMIFY_KILL_AT"
DRIVER = f"""
import os, signal
from gamify_analytics import cli
from gamify_analytics.engines.clickhouse import ClickHouseEngine
from gamify_analytics.engines.duckdb import DuckDBEngine

at, calls = int(os.environ["{AT}"]), [0]

def counted(method):
    def call(self, *args, **kwargs):
        calls[0] += 1
        if calls[0] == at:
            os.kill(os.getpid(), signal.SIGKILL)
        return method(self, *args, **kwargs)
    return call

for cls in (ClickHouseEngine, DuckDBEngine):
    for name in {HOOKED!r}:
        setattr(cls, name, counted(getattr(cls, name)))
cli.run()
"""


def describe(name: str, args: tuple[Any, ...]) -> str:
    """A call as text: the statement and its parameters, or `insert TABLE` / `upsert TABLE`."""
    if name in ("insert", "upsert"):
        return f"{name} {args[0]}"
    return " ".join(str(args[0]).split()) + f" {args[1] if len(args) > 1 else {}}"


def number(calls: list[str], pattern: str, *, after: bool = False) -> int:
    """The number (1-based, as `DRIVER` counts) of the first call matching `pattern`, or of
    the call after it."""
    found = next(i for i, c in enumerate(calls) if re.search(pattern, c))
    return found + 1 + int(after)


@contextlib.contextmanager
def counting() -> Iterator[list[str]]:
    """The engine calls made in the block, in order (`describe`d), as `DRIVER` counts them."""
    calls: list[str] = []

    def counted(method: Callable[..., Any], name: str) -> Callable[..., Any]:
        def call(self: Any, *args: Any, **kwargs: Any) -> Any:
            calls.append(describe(name, args))
            return method(self, *args, **kwargs)

        return call

    saved = [
        (cls, name, cls.__dict__.get(name))
        for cls in (ClickHouseEngine, DuckDBEngine)
        for name in HOOKED
    ]
    for cls, name, _ in saved:
        setattr(cls, name, counted(getattr(cls, name), name))
    try:
        yield calls
    finally:
        for cls, name, own in saved:
            if own is None:
                delattr(cls, name)
            else:
                setattr(cls, name, own)
