"""Printing results: `--format table|json|csv`; data on stdout, messages on stderr.

Numbers print the same way in every format and row: decimals as their shortest exact text
(`29.5`, `29`), JSON numbers in JSON; timestamps as ISO-8601 UTC with milliseconds and `Z`."""

from __future__ import annotations

import json
import sys
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

import polars as pl
from rich.console import Console
from rich.table import Table


class Format(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


#: Messages name user-given paths, DSNs and keys: printed as text, never as rich markup
#: (`[clickhouse]` or `a[/]b` would vanish or crash) or emoji codes.
err = Console(stderr=True, markup=False, emoji=False, highlight=False)


def decimal_text(value: Decimal) -> str:
    """A stored decimal as its shortest exact text: `29.5`, `29`, never `29.500000`."""
    if value == 0:
        return "0"
    return format(value.normalize(), "f")


def _plain(value: Any) -> Any:
    """Text for a table cell or a message (JSON keeps numbers as numbers: `to_json`)."""
    if isinstance(value, datetime):
        return value.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return decimal_text(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def to_json(value: Any) -> str:
    """One JSON document. Numbers are JSON numbers; a stored decimal is written exactly, as its
    shortest text (`29.5`), never through a binary float."""
    if isinstance(value, Decimal):
        return decimal_text(value)
    if isinstance(value, dict):
        return (
            "{"
            + ", ".join(
                f"{json.dumps(str(k), ensure_ascii=False)}: {to_json(v)}" for k, v in value.items()
            )
            + "}"
        )
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(to_json(v) for v in value) + "]"
    if isinstance(value, (datetime, date)):
        return json.dumps(_plain(value))
    return json.dumps(value, ensure_ascii=False)


def emit(data: pl.DataFrame | dict | list, fmt: Format, title: str | None = None) -> None:
    """Print a frame or a JSON-able document in the chosen format."""
    if fmt is Format.json:
        doc = data.to_dicts() if isinstance(data, pl.DataFrame) else data
        sys.stdout.write(to_json(doc) + "\n")
        return
    frame = data if isinstance(data, pl.DataFrame) else _as_frame(data)
    if fmt is Format.csv:
        rows = frame.with_columns(
            [
                pl.col(c).map_elements(to_json, return_dtype=pl.String)
                for c, t in frame.schema.items()
                if isinstance(t, (pl.List, pl.Struct))
            ]
            + [
                pl.col(c).map_elements(decimal_text, return_dtype=pl.String)
                for c, t in frame.schema.items()
                if isinstance(t, pl.Decimal)
            ]
        )
        sys.stdout.write(rows.write_csv(datetime_format="%Y-%m-%dT%H:%M:%S%.3fZ"))
        return
    table = Table(title=title, show_lines=False)
    for c in frame.columns:
        table.add_column(c)
    for row in frame.iter_rows():
        table.add_row(*("" if v is None else str(_plain(v)) for v in row))
    # Cells are data: rich would read `[/]` in a user id as markup (and fail) and
    # `:thumbs_up:` as an emoji.
    Console(markup=False, emoji=False).print(table)


def _as_frame(data: dict | list) -> pl.DataFrame:
    if isinstance(data, dict):
        return pl.DataFrame(
            {
                "field": list(data),
                "value": [
                    json.dumps(_plain(v)) if isinstance(v, (dict, list)) else str(_plain(v))
                    for v in data.values()
                ],
            }
        )
    return pl.DataFrame(_plain(data))
