"""The command line contract: JSON on stdout, one-line errors, exit codes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

GAMIFY = [sys.executable, "-c", "from gamify_analytics.cli import run; run()"]


def gamify(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*GAMIFY, *args], cwd=cwd, capture_output=True, text=True, timeout=300)
