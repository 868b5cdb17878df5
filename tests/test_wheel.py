"""A wheel works as an editable install does: built from this checkout, installed (not
editable) into a fresh virtual environment outside it, and run from a directory that is not the
repository. An editable install finds `sql/` and `jobs/` beside the package; only this test
proves that the wheel carries them."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers.stores import GOLDEN

ROOT = Path(__file__).resolve().parents[1]
#: What a checkout holds beside its sources: build output, environments, local stores.
UNPACKAGED = (
    ".git",
    "build",
    "dist",
    "*.egg-info",
    ".venv",
    "__pycache__",
    ".gamify",
    "bench-data",
)


def _run(*args: str | Path, cwd: Path, timeout: float = 900) -> str:
    done = subprocess.run(
        [str(a) for a in args], cwd=cwd, capture_output=True, text=True, timeout=timeout
    )
    assert done.returncode == 0, f"{args}: {done.stdout[-2000:]}\n{done.stderr[-2000:]}"
    return done.stdout


@pytest.mark.slow
def test_a_wheel_installed_elsewhere_runs_end_to_end(tmp_path: Path) -> None:
    dist, venv, work = tmp_path / "dist", tmp_path / "venv", tmp_path / "work"
    work.mkdir()
    # built from a copy without build output: setuptools reuses a checkout's `build/`, whose
    # files deleted since would ride along (a clean clone has none)
    src = tmp_path / "src"
    shutil.copytree(ROOT, src, ignore=shutil.ignore_patterns(*UNPACKAGED))
    _run(sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", dist, src, cwd=tmp_path)
    [wheel] = dist.glob("gamify_analytics-*.whl")
    _run(sys.executable, "-m", "venv", venv, cwd=tmp_path)
    _run(venv / "bin" / "python", "-m", "pip", "install", "-q", wheel, cwd=tmp_path)
    gamify = venv / "bin" / "gamify"
    shutil.copy(ROOT / "fixtures" / "golden" / "full.toml", work / "gamify.toml")
    events, users = GOLDEN / "events.csv", GOLDEN / "users.csv"
    # the embedded default store, in the working directory
    _run(gamify, "init", cwd=work)
    assert (work / ".gamify" / "clickhouse").is_dir()
    summary = json.loads(
        _run(gamify, "ingest", events, "--users", users, "--format", "json", cwd=work)
    )
    assert summary["accepted"] == 12
    _run(gamify, "run", "--as-of", "2024-04-10T00:00:00Z", cwd=work)
    board = json.loads(
        _run(
            gamify,
            "leaderboard",
            "daily_lessons",
            "--run",
            "2024-03-10",
            "--format",
            "json",
            cwd=work,
        )
    )
    assert board["status"] == "final" and board["entries"], board
    # the packaged schedule
    assert "streaks" in _run(gamify, "jobs", "crontab", cwd=work)
