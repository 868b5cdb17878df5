"""The one parser of store addresses (DSNs): every caller that needs to know what a DSN points
at asks here."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from gamify_analytics.errors import StoreError

#: The embedded store used when nothing else is said, relative to the working directory.
DEFAULT_STORE = Path(".gamify") / "clickhouse"
#: The ClickHouse database holding the tables when a DSN names none.
DEFAULT_DATABASE = "gamify"
KINDS = {"chdb": "clickhouse", "http": "clickhouse", "https": "clickhouse", "duckdb": "duckdb"}


@dataclass(frozen=True)
class Dsn:
    """What a DSN points at."""

    text: str
    scheme: str
    #: "clickhouse" or "duckdb": which engine serves it
    engine: str
    #: the embedded ClickHouse directory or the DuckDB file; None for a server or memory
    path: Path | None
    #: the ClickHouse database of the tables (DuckDB: "main")
    database: str

    @property
    def embedded(self) -> bool:
        """Held by one process at a time (an embedded ClickHouse directory, a DuckDB file)."""
        return self.scheme != "http" and self.scheme != "https"

    @property
    def host(self) -> str:
        """A server's host name ("" for an embedded store)."""
        return "" if self.embedded else urlsplit(self.text).hostname or "?"

    def server_url(self) -> str:
        """A server's address without its database (clickhouse-connect picks the database)."""
        return urlsplit(self.text)._replace(path="/default", query="").geturl()


def parse(dsn: str) -> Dsn:
    scheme, sep, rest = dsn.partition("://")
    if not sep or scheme not in KINDS:
        raise StoreError(
            f"unsupported DSN {dsn!r}: use chdb:///path, http(s)://…, or duckdb:///path"
        )
    if scheme == "duckdb":
        memory = rest in ("", ":memory:", "/:memory:")
        return Dsn(dsn, scheme, "duckdb", None if memory else Path(rest), "main")
    parts = urlsplit(dsn)
    if scheme == "chdb":
        database = parse_qs(parts.query).get("database", [DEFAULT_DATABASE])[0]
        return Dsn(dsn, scheme, "clickhouse", Path(parts.path), database)
    return Dsn(dsn, scheme, "clickhouse", None, parts.path.strip("/") or DEFAULT_DATABASE)


def default() -> str:
    """The embedded store in the working directory."""
    return f"chdb://{DEFAULT_STORE.resolve()}"


def absolute(dsn: str) -> str:
    """`dsn` with an absolute path, for a process that runs elsewhere (cron)."""
    d = parse(dsn)
    if d.path is None:
        return dsn
    query = dsn.partition("?")[2]
    return f"{d.scheme}://{d.path.resolve()}" + (f"?{query}" if query else "")


def with_database(dsn: str, database: str) -> str:
    """Another database of the same embedded ClickHouse store (DuckDB: `dsn` itself)."""
    d = parse(dsn)
    if d.engine != "clickhouse" or d.path is None:
        raise StoreError(f"{dsn!r} has no databases of its own")
    return f"chdb://{d.path}?database={database}"


def of_engine(engine: str, path: Path) -> str:
    """The DSN of a store of `engine` ("clickhouse" embedded, or "duckdb") at `path`."""
    return f"chdb://{path}" if engine == "clickhouse" else f"duckdb://{path}"


def store_in(engine: str, name: str, *, embedded_root: Path, folder: Path) -> str:
    """The DSN of a store called `name` for `engine` ("clickhouse" or "duckdb"): a database of
    the embedded ClickHouse store at `embedded_root` (a process opens one path, so stores share
    it), or the DuckDB file `folder/<name>.duckdb`."""
    if engine == "clickhouse":
        return f"chdb://{embedded_root}?database={name}"
    return f"duckdb://{folder / name}.duckdb"
