"""The compiled-template cache (gamify_analytics/engines/template_cache.py): it must never
change what a template renders, nor fail a command when it cannot be written."""

from __future__ import annotations

from pathlib import Path

import jinja2
import pytest

from gamify_analytics.engines import template_cache

OPTIONS = {"trim_blocks": True}


def render(folder: Path, cache: jinja2.BytecodeCache | None) -> str:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(folder), bytecode_cache=cache, **OPTIONS
    )
    return env.get_template("t.sql").render(x=1)


def test_an_edited_template_is_compiled_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("GAMIFY_CACHE_DIR", str(tmp_path / "cache"))
    (tmp_path / "t.sql").write_text("SELECT {{ x }}")
    assert render(tmp_path, template_cache.bytecode_cache(OPTIONS)) == "SELECT 1"
    assert list((tmp_path / "cache").rglob("*.cache"))
    (tmp_path / "t.sql").write_text("SELECT {{ x }} + 1")
    assert render(tmp_path, template_cache.bytecode_cache(OPTIONS)) == "SELECT 1 + 1"


def test_other_options_get_their_own_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("GAMIFY_CACHE_DIR", str(tmp_path))
    template_cache.bytecode_cache({"trim_blocks": True})
    template_cache.bytecode_cache({"trim_blocks": False})
    assert len(list(tmp_path.iterdir())) == 2


def test_no_cache_when_turned_off_or_unwritable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("GAMIFY_CACHE_DIR", "")
    assert template_cache.bytecode_cache(OPTIONS) is None
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setenv("GAMIFY_CACHE_DIR", str(blocker / "cache"))  # under a file: no folder
    assert template_cache.bytecode_cache(OPTIONS) is None
    (tmp_path / "t.sql").write_text("SELECT {{ x }}")
    monkeypatch.setenv("GAMIFY_CACHE_DIR", str(tmp_path / "gone"))
    cache = template_cache.bytecode_cache(OPTIONS)
    assert cache is not None
    for folder in (tmp_path / "gone").iterdir():
        folder.rmdir()  # removed under a running command: nothing is cached, the render works
    assert render(tmp_path, cache) == "SELECT 1"
