"""Printing results: `--format table|json|csv`; data on stdout, messages on stderr.

Numbers print the same way in every format and row: decimals as their shortest exact text
(`29.5`, `29`), JSON numbers in JSON; timestamps as ISO-8601 UTC with milliseconds and `Z`.
Tables take the width they need when stdout is not a terminal (a pipe, a file): nothing is cut
to 80 columns. polars is imported when something is printed, not when the module is: `gamify
--help` stays fast."""

from __future__ import annotations

import dataclasses
import json
import sys
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from rich.console import Console

from gamify_analytics import text

if TYPE_CHECKING:
    import polars as pl


class Format(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


#: Messages name user-given paths, DSNs and keys: printed as text, never as rich markup
#: (`[clickhouse]` or `a[/]b` would vanish or crash) or emoji codes.
err = Console(stderr=True, markup=False, emoji=False, highlight=False, soft_wrap=True)
#: Wider than any table: off a terminal a table takes the width it needs.
_UNLIMITED = 1_000_000


def note(message: str) -> None:
    """One line on stderr, never wrapped (scripts grep it)."""
    err.print(f"gamify: {message}", soft_wrap=True)


def to_json(value: Any) -> str:
    """One JSON document. Numbers are JSON numbers; a stored decimal is written exactly, as its
    shortest text (`29.5`), never through a binary float."""
    if isinstance(value, Decimal):
        return text.decimal(value)
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
        return json.dumps(text.plain(value))
    return json.dumps(value, ensure_ascii=False)


def emit(data: Any, fmt: Format, title: str | None = None) -> None:
    """Print a frame, a JSON-able document or typed results (dataclasses) in the chosen
    format."""
    import polars as pl

    data = _documents(data)
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
                pl.col(c).map_elements(text.decimal, return_dtype=pl.String)
                for c, t in frame.schema.items()
                if isinstance(t, pl.Decimal)
            ]
        )
        sys.stdout.write(rows.write_csv(datetime_format="%Y-%m-%dT%H:%M:%S%.3fZ"))
        return
    _print_table(frame, title)


def _print_table(frame: pl.DataFrame, title: str | None) -> None:
    """A rich table on stdout: as wide as it needs when stdout is not a terminal; on a
    terminal, fitted to its width with long values folded onto more lines (never cut to "…"),
    saying so."""
    from rich.cells import cell_len
    from rich.table import Table

    table = Table(title=title, show_lines=False)
    for c in frame.columns:
        table.add_column(c, overflow="fold")
    rows = [["" if v is None else str(text.plain(v)) for v in row] for row in frame.iter_rows()]
    for row in rows:
        table.add_row(*row)
    # Cells are data: rich would read `[/]` in a user id as markup (and fail) and
    # `:thumbs_up:` as an emoji.
    out = Console(markup=False, emoji=False)
    if not out.is_terminal:  # a table only as wide as it needs, however wide that is
        out = Console(markup=False, emoji=False, width=_UNLIMITED)
    else:
        widths = [
            max([cell_len(c), *(cell_len(r[i]) for r in rows)]) for i, c in enumerate(frame.columns)
        ]
        if sum(w + 3 for w in widths) + 1 > out.width:  # cell, padding and border each
            table.caption = "folded to fit the terminal: --format csv prints each row on one line"
    out.print(table)


def _documents(data: Any) -> Any:
    """Typed results (dataclasses, or lists of them) as the documents they print as."""
    if dataclasses.is_dataclass(data) and not isinstance(data, type):
        return dataclasses.asdict(data)
    if isinstance(data, list) and data and dataclasses.is_dataclass(data[0]):
        return [dataclasses.asdict(d) for d in data]
    return data


def _as_frame(data: dict | list) -> pl.DataFrame:
    import polars as pl

    if isinstance(data, dict):
        return pl.DataFrame(
            {
                "field": list(data),
                "value": [
                    json.dumps(text.plain(v)) if isinstance(v, (dict, list)) else str(text.plain(v))
                    for v in data.values()
                ],
            }
        )
    return pl.DataFrame(text.plain(data))
