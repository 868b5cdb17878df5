"""Compiled SQL templates kept on disk between processes: compiling the templates a command
renders costs a short read about as much as running it (~0.1 s of a 1 s read on a small store).

Jinja checks each entry against its template's source, so an edited or upgraded template is
compiled again. `GAMIFY_CACHE_DIR` moves the cache (default `$XDG_CACHE_HOME/gamify-analytics`,
else `~/.cache/gamify-analytics`); set to an empty string, nothing is cached. A cache that
cannot be written is skipped, never an error."""

from __future__ import annotations

import contextlib
import os
from hashlib import sha1
from pathlib import Path

import jinja2
from jinja2.bccache import Bucket


class _BestEffortCache(jinja2.FileSystemBytecodeCache):
    def dump_bytecode(self, bucket: Bucket) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


def directory() -> Path | None:
    """Where compiled templates are kept (None: nowhere)."""
    given = os.environ.get("GAMIFY_CACHE_DIR")
    if given is not None:
        return Path(given) if given else None
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "gamify-analytics"


def bytecode_cache(options: dict[str, object]) -> jinja2.BytecodeCache | None:
    """A cache for templates compiled with `options` (the environment's: the same source
    compiles differently under other options, so each set of options has its own folder)."""
    root = directory()
    if root is None:
        return None
    tag = sha1(repr(sorted(options.items())).encode()).hexdigest()[:12]
    folder = root / f"templates-{jinja2.__version__}-{tag}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return _BestEffortCache(str(folder))
