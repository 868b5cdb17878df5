"""Values as people read them, the same everywhere (output, messages, reports): instants in
ISO-8601 UTC with milliseconds and `Z`, dates as `YYYY-MM-DD`, decimals as their shortest exact
text (`29.5`, `29`, never `29.500000`)."""

from __future__ import annotations

import unicodedata
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

#: How much of a value a message quotes.
QUOTE_CHARS = 40


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


def quote(value: str, limit: int = QUOTE_CHARS) -> str:
    """A value from a user's file inside a message: in double quotes, at most `limit`
    characters of it (then `…` and its full length), with quotes, backslashes and every
    invisible or control character written as an escape, so that no value can break the line,
    move the terminal's cursor or reorder the text around it."""
    shown = value if len(value) <= limit else value[:limit] + "…"
    body = "".join(_escaped(c) for c in shown)
    more = f" ({len(value)} characters)" if len(value) > limit else ""
    return f'"{body}"{more}'


def _escaped(c: str) -> str:
    if c in '"\\':
        return "\\" + c
    if unicodedata.category(c) in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"):
        n = ord(c)
        return f"\\x{n:02x}" if n < 0x100 else f"\\u{n:04x}" if n < 0x10000 else f"\\U{n:08x}"
    return c
