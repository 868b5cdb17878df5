"""Typed results: the API returns dataclasses, and their fields also read by name
(`result["rows"]`), as the JSON documents the command line prints them as do."""

from __future__ import annotations

import dataclasses
from typing import Any


class Record:
    """A dataclass whose fields read by name too; `as_dict()` is its document."""

    def __getitem__(self, name: str) -> Any:
        if name not in {f.name for f in dataclasses.fields(self)}:  # type: ignore[arg-type]
            raise KeyError(name)
        return getattr(self, name)

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)  # type: ignore[call-overload]
