"""Printing results: `--format table|json|csv`; data on stdout, messages on stderr (§11)."""

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


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral() else str(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def emit(data: pl.DataFrame | dict | list, fmt: Format, title: str | None = None) -> None:
    """Print a frame or a JSON-able document in the chosen format."""
    if fmt is Format.json:
        doc = data.to_dicts() if isinstance(data, pl.DataFrame) else data
        sys.stdout.write(json.dumps(_plain(doc), ensure_ascii=False) + "\n")
        return
    frame = data if isinstance(data, pl.DataFrame) else _as_frame(data)
    if fmt is Format.csv:
        rows = frame.with_columns(
            [
                pl.col(c).map_elements(lambda v: json.dumps(_plain(v)), return_dtype=pl.String)
                for c, t in frame.schema.items()
                if isinstance(t, (pl.List, pl.Struct))
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
