"""Statements only tests need (corrupting a store on purpose), kept like the product's: one
template per statement in `tests/sql/<engine>/`, rendered with the engine's own parameters."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2

from gamify_analytics.engines import Engine

TEST_SQL = Path(__file__).resolve().parents[1] / "sql"


def run(engine: Engine, template: str, params: dict[str, Any] | None = None) -> None:
    """Run `tests/sql/<engine>/<template>.sql`; each `;`-line separates statements."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEST_SQL / engine.kind)),
        undefined=jinja2.StrictUndefined,
    )
    text = env.get_template(f"{template}.sql").render(db=engine.database, p=engine.param)
    for statement in text.split("\n;\n"):
        if statement.strip():
            engine.run_sql(statement, params or {})
