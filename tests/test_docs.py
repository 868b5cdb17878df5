"""What a user reads stands on its own: the README, docs/ and every command's --help cite no
section numbers of another document and point nowhere outside the repository, and every
relative link in the docs leads to a file that exists."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import typer.main
from typer.testing import CliRunner

from gamify_analytics.cli import app

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")
OUTSIDE = re.compile(r"\.\./shared|SPEC\.md|§")


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_pages_cite_nothing_outside_and_their_links_resolve(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    assert not OUTSIDE.search(text), OUTSIDE.search(text)
    for target in LINK.findall(text):
        if re.match(r"[a-z]+://", target):
            continue
        path = (page.parent / target).resolve()
        assert path.is_relative_to(ROOT), (page.name, target)
        assert path.exists(), (page.name, target)


def _commands(command: Any, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every command's path, groups included (typer bundles its own click)."""
    out = [path]
    if hasattr(command, "commands"):
        for name, sub in command.commands.items():
            out += _commands(sub, (*path, name))
    return out


def test_every_help_text_stands_on_its_own() -> None:
    root = typer.main.get_command(app)
    paths = _commands(root)
    assert ("run",) in paths and ("jobs", "crontab") in paths
    runner = CliRunner()
    for path in paths:
        result = runner.invoke(app, [*path, "--help"], terminal_width=200)
        assert result.exit_code == 0, (path, result.output)
        assert not OUTSIDE.search(result.output), (path, result.output)
        assert "../" not in result.output, (path, result.output)
