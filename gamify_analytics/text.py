"""Values as people read them, the same everywhere (output, messages, reports): instants in
ISO-8601 UTC with milliseconds and `Z`, dates as `YYYY-MM-DD`, decimals as their shortest exact
text (`29.5`, `29`, never `29.500000`)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any


def instant(t: datetime) -> str:
    return t.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def decimal(value: Decimal) -> str:
    if value == 0:
        return "0"
    return format(value.normalize(), "f")


def plain(value: Any) -> Any:
    """`value` with instants, dates and decimals as text, recursively through dicts and lists."""
    if isinstance(value, datetime):
        return instant(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return decimal(value)
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value
