"""The house reads from its tree (docs/architecture.md): layers import only downwards, the
domain packages stand on one floor and never import each other, engine differences stay inside
the engines, and no module grows past 400 lines."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "gamify_analytics"
DOMAINS = ("ingest", "streaks", "achievements", "points", "leaderboards", "dashboards")
#: Each module's floor: a module imports only modules on lower floors, or its own package.
FLOORS = [
    ("errors", "names", "records", "text", "tz"),
    ("engines",),
    ("config",),
    ("watermarks",),
    ("periods",),
    (*DOMAINS, "synthetic"),
    ("jobs", "verify"),
    ("erase",),
    ("status",),
    ("api",),
    ("demo", "scheduler"),
    ("bench",),
    ("cli",),
]
MAX_LINES = 400


def _modules() -> dict[str, Path]:
    out = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = path
    return out


MODULES = _modules()


def _imports(path: Path) -> set[str]:
    """The modules of this package `path` imports (`from pkg import sub` names `pkg.sub`)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            subs = {f"{node.module}.{a.name}" for a in node.names}
            found |= {s for s in subs if s in MODULES} or {node.module}
    return {m for m in found if m.startswith("gamify_analytics")}


def _top(module: str) -> str:
    return module.split(".")[1] if "." in module else ""


def _floor(module: str) -> int:
    top = _top(module)
    return next(i for i, floor in enumerate(FLOORS) if top in floor)


def test_every_module_has_a_floor() -> None:
    for module in MODULES:
        if module != "gamify_analytics" and _top(module) not in ("sql", "schedules"):
            _floor(module)


def test_imports_go_down_only_and_domains_never_meet() -> None:
    for module, path in MODULES.items():
        if module == "gamify_analytics" or _top(module) in ("sql", "schedules"):
            continue
        for imported in _imports(path):
            if imported == "gamify_analytics" or _top(imported) == _top(module):
                continue
            assert _floor(imported) < _floor(module), f"{module} imports {imported}"
            both = {_top(module), _top(imported)}
            assert not both <= set(DOMAINS), f"{module} imports {imported}"


def test_no_import_cycle() -> None:
    graph = {m: _imports(p) & set(MODULES) for m, p in MODULES.items()}
    state: dict[str, int] = {}

    def visit(m: str, trail: list[str]) -> None:
        if state.get(m) == 1:
            raise AssertionError(" → ".join([*trail[trail.index(m) :], m]))
        if state.get(m) == 2:
            return
        state[m] = 1
        for n in sorted(graph[m]):
            # a package's __init__ importing its own modules is how it exports them
            if not n.startswith(m + "."):
                visit(n, [*trail, m])
        state[m] = 2

    for m in sorted(graph):
        visit(m, [])


def test_no_module_over_400_lines_and_no_cli_module_at_the_root() -> None:
    for module, path in MODULES.items():
        lines = len(path.read_text().splitlines())
        assert lines <= MAX_LINES, f"{module}: {lines} lines"
    assert not list(PACKAGE.glob("cli*.py"))


KIND_TEST = re.compile(
    r"[!=]=\s*['\"](clickhouse|duckdb)['\"]|['\"](clickhouse|duckdb)['\"]\s*[!=]="
)
ERROR_TEXT = re.compile(
    r"['\"][^'\"]*(in use by another|Cannot lock|lock)[^'\"]*['\"]\s+in\s+str\("
)


def test_only_the_engines_know_which_engine_they_are() -> None:
    engines = PACKAGE / "engines"
    offenders = []
    for path in [*PACKAGE.rglob("*.py"), *(ROOT / "tests").rglob("*.py")]:
        if path.is_relative_to(engines) or path == Path(__file__):
            continue
        text = path.read_text()
        if KIND_TEST.search(text) or ERROR_TEXT.search(text):
            offenders.append(str(path.relative_to(ROOT)))
    offenders += [
        str(p.relative_to(ROOT))
        for p in (ROOT / "sql" / "common").rglob("*.sql")
        if "engine ==" in p.read_text()
    ]
    assert not offenders


DSN_PARSING = re.compile(
    r"urlsplit\(|parse_qs\(|partition\([\"']://|split\([\"']://|"
    r"(removeprefix|startswith)\([\"'](chdb|duckdb)://"
)


def test_one_dsn_parser() -> None:
    """Every caller asks `engines.dsn` what a DSN points at."""
    parser = PACKAGE / "engines" / "dsn.py"
    offenders = [
        str(path.relative_to(ROOT))
        for path in [*PACKAGE.rglob("*.py"), *(ROOT / "tests").rglob("*.py")]
        if path not in (parser, Path(__file__)) and DSN_PARSING.search(path.read_text())
    ]
    assert not offenders


def test_no_test_module_imports_another() -> None:
    """Shared test code lives in tests/helpers/ and tests/reference/."""
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "tests").rglob("*.py")
        if re.search(r"^\s*(from|import) tests\.(test_|conftest)", path.read_text(), re.M)
    ]
    assert not offenders
