"""Finding and loading `gamify.toml`, and the starter file `gamify init --example` writes."""

from __future__ import annotations

import importlib.resources
import os
import tomllib
from pathlib import Path

from gamify_analytics.config.model import Config
from gamify_analytics.config.parse import parse
from gamify_analytics.errors import ConfigError

#: The config file a command reads when told nothing else.
DEFAULT_PATH = Path("gamify.toml")
HOW_TO_CONFIGURE = (
    "pass --config FILE or set GAMIFY_CONFIG; `gamify init --example` writes a starter"
)


def locate(path: str | Path | None = None) -> Path:
    """`path`, else `$GAMIFY_CONFIG`, else `./gamify.toml`: the file must exist."""
    chosen = Path(path or os.environ.get("GAMIFY_CONFIG") or DEFAULT_PATH)
    if not chosen.is_file():
        told = path or os.environ.get("GAMIFY_CONFIG")
        how = "" if told else f" ({HOW_TO_CONFIGURE})"
        raise ConfigError(f"{chosen}: config file not found{how}")
    return chosen


def starter() -> str:
    """The commented starter config `gamify init --example` writes."""
    return importlib.resources.files("gamify_analytics.config").joinpath("starter.toml").read_text()


def load(path: str | Path | None = None) -> Config:
    """Load and check the config file `locate(path)` finds."""
    p = locate(path)
    try:
        raw = tomllib.loads(p.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{p}: not valid TOML: {e}") from None
    return parse(raw, str(p))
