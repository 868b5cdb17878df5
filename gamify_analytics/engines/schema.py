"""The schema (`gamify init`): versioned, idempotent migrations (`sql/<engine>/schema/`), plus
the pinned tz offsets table."""

from __future__ import annotations

import re
from collections.abc import Iterable

import polars as pl

from gamify_analytics import tz
from gamify_analytics.engines.base import Engine
from gamify_analytics.errors import StoreError

_VERSION = re.compile(r"^(\d+)_(.+)$")
#: Separates statements in the few templates that render a family of statements.
STATEMENT_BREAK = re.compile(r"^\s*;\s*$", re.MULTILINE)


def statements(engine: Engine, template: str) -> list[str]:
    """The statements a schema template renders to (none, one, or several)."""
    sql = engine.render(template)
    return [s.strip() for s in STATEMENT_BREAK.split(sql) if s.strip()]


def migrations(engine: Engine) -> list[tuple[int, str]]:
    found = []
    for name in engine.templates("schema"):
        m = _VERSION.match(name.split("/", 1)[1])
        if m:
            found.append((int(m.group(1)), name))
    return sorted(found)


def migrate(engine: Engine) -> list[str]:
    """Apply the migrations this store has not seen yet; returns their names."""
    engine.execute("admin/create_migrations_table")
    applied = set(engine.query("admin/applied_migrations").get_column("version").to_list())
    done = []
    for version, name in migrations(engine):
        if version in applied:
            continue
        for sql in statements(engine, name):
            engine.run_sql(sql, {})
        engine.execute("admin/record_migration", {"version": version, "name": name})
        done.append(name)
    load_tz_offsets(engine)
    return done


def require_current(engine: Engine) -> None:
    """Raise, saying to run `gamify init`, unless every migration is applied: reads never
    create or change the schema."""
    if "schema_migrations" not in engine.tables():
        raise StoreError(f"the store {engine.dsn} has no schema yet: run `gamify init`")
    applied = set(engine.query("admin/applied_migrations").get_column("version").to_list())
    if any(version not in applied for version, _ in migrations(engine)):
        raise StoreError(
            f"the store {engine.dsn} was made by an older version: run `gamify init` to migrate it"
        )


def load_tz_offsets(engine: Engine) -> bool:
    """(Re)load the offset table when the pinned tzdata version changed; True if it did."""
    if engine.scalar("admin/get_meta", {"key": "tzdata_version"}) == tz.TZDATA_VERSION:
        return False
    engine.execute("admin/clear_tz_offsets")
    engine.insert("tz_offsets", tz.offsets_frame())
    engine.execute("admin/set_meta", {"key": "tzdata_version", "value": tz.TZDATA_VERSION})
    return True


def ensure_zone_days(engine: Engine, zones: Iterable[str]) -> None:
    """Make sure `tz_days` covers `zones` (it holds only zones that events use)."""
    known = engine.zones_with_days
    if known is None:
        known = set(engine.query("admin/tz_days_zones").get_column("tz").to_list())
        engine.zones_with_days = known
    missing = sorted(set(zones) - known)
    if missing:
        engine.insert("tz_days", pl.concat([tz.day_starts(z) for z in missing]))
        known.update(missing)
