"""Concurrency on embedded stores (only one process may open one): commands wait for a store that
another process holds, saying so, up to --store-timeout; and the scheduler firing while analysts
run commands leaves exactly what one clean run leaves."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from gamify_analytics.api import Gamify
from gamify_analytics.config import load
from gamify_analytics.dashboards import NAMES, query
from gamify_analytics.engines import dsn as dsns
from gamify_analytics.synthetic import generate, write
from tests.helpers.cli import GAMIFY
from tests.helpers.stores import ENGINE_PARAMS, GOLDEN

#: slow: processes racing for one store
pytestmark = pytest.mark.slow

FULL = GOLDEN / "full.toml"
#: The second file holds the events from CUT on: local dates from 2024-04-09 on (zones are at
#: most 12 h behind UTC), whose leaderboard runs are not due by AS_OF, so finalizing before or
#: after they arrive gives the same standings.
CUT = datetime(2024, 4, 9, 12, tzinfo=UTC)
AS_OF = datetime(2024, 4, 10, 11, tzinfo=UTC)


def _dsn(engine: str, tmp_path: Path, name: str) -> str:
    """A store of this test's own: the session's chdb path is held by this process."""
    return dsns.of_engine(engine, tmp_path / name)


def _hold(dsn: str) -> subprocess.Popen[str]:
    """Another process that opens the store, says so, and keeps it until its stdin closes."""
    code = (
        "import sys\n"
        "from gamify_analytics.engines import connect\n"
        f"e = connect({dsn!r})\n"
        "print('held', flush=True)\n"
        "sys.stdin.read()\n"
        "e.close()\n"
    )
    holder = subprocess.Popen(
        [sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    return holder


def _release(holder: subprocess.Popen[str]) -> None:
    assert holder.stdin is not None
    holder.stdin.close()
    assert holder.wait(60) == 0


def _cli(dsn: str, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    base = [*GAMIFY, "--config", str(FULL), "--dsn", dsn]
    return subprocess.run([*base, *args], cwd=cwd, capture_output=True, text=True, timeout=300)


def _waiting_cli(dsn: str, *args: str, cwd: Path) -> tuple[subprocess.Popen[str], str]:
    """A command started while the store is held, returned once it says it is waiting (the
    line it said)."""
    base = [*GAMIFY, "--config", str(FULL), "--dsn", dsn]
    cmd = subprocess.Popen(
        [*base, *args], cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    assert cmd.stderr is not None
    line = cmd.stderr.readline()
    assert "waiting for the store" in line, line
    return cmd, line


@pytest.mark.parametrize("engine", ENGINE_PARAMS)
def test_a_command_waits_for_a_held_store_and_gives_up_after_its_timeout(
    engine: str, tmp_path: Path
) -> None:
    dsn = _dsn(engine, tmp_path, "held")
    assert _cli(dsn, "ingest", str(GOLDEN / "events.csv"), cwd=tmp_path).returncode == 0
    assert _cli(dsn, "run", "--as-of", AS_OF.isoformat(), cwd=tmp_path).returncode == 0

    holder = _hold(dsn)
    cmd, line = _waiting_cli(dsn, "dashboard", "overview", "--format", "json", cwd=tmp_path)
    waiting = f"gamify: waiting for the store {dsn}: another process is using it"
    assert f"{waiting} (up to 600 s, --store-timeout)" in line
    _release(holder)
    out, err = cmd.communicate(timeout=300)
    assert cmd.returncode == 0, err
    assert json.loads(out)["dashboard"] == "overview"

    holder = _hold(dsn)
    r = _cli(dsn, "--store-timeout", "1", "achievements", cwd=tmp_path)
    assert r.returncode == 1
    assert "in use by another process" in r.stderr and "(still after waiting 1 s)" in r.stderr
    r = _cli(dsn, "--store-timeout", "0", "achievements", cwd=tmp_path)  # 0: fail at once
    assert r.returncode == 1 and "waiting" not in r.stderr
    _release(holder)


def _fire_loop(dsn: str, fires: int) -> subprocess.Popen[str]:
    """The scheduler's fires (`scheduler.run_entry`, each opening and closing the store) of every
    default entry, `fires` rounds, as of AS_OF; a fire refused by a busy store is logged and
    skipped, as in `gamify scheduler`. Before the first fire it holds the store until a line
    arrives on its stdin, so that a command is sure to meet it once."""
    code = (
        "import sys\n"
        "from datetime import datetime, UTC\n"
        "from gamify_analytics import scheduler\n"
        "from gamify_analytics.config import load\n"
        "from gamify_analytics.engines import connect\n"
        f"e = connect({dsn!r})\n"
        "print('held', flush=True)\n"
        "sys.stdin.readline()\n"
        "e.close()\n"
        f"cfg = load({str(FULL)!r})\n"
        f"for _ in range({fires}):\n"
        "    for entry in scheduler.load_schedule(None):\n"
        f"        now = datetime.fromisoformat({AS_OF.isoformat()!r})\n"
        f"        scheduler.run_entry(entry, cfg, {dsn!r}, now=now)\n"
    )
    loop = subprocess.Popen(
        [sys.executable, "-c", code],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert loop.stdout is not None and loop.stdout.readline().strip() == "held"
    return loop


def _derived(g: Gamify) -> dict[str, pl.DataFrame]:
    """Everything the jobs derive, read exactly (dashboards without rollups)."""
    out = {
        f"dashboard {n} {p}": f.drop("finalized_at", strict=False)
        for n in NAMES
        for p, f in query(g.engine, g.config, n, rollups=False).items()
    }
    out["achievements"] = g.achievements().sort(pl.all())
    out["ledger"] = g.ledger().sort(pl.all())
    out["points"] = g.points().sort(pl.all())
    return out


@pytest.mark.parametrize("engine", ENGINE_PARAMS)
def test_the_scheduler_firing_while_commands_run_leaves_what_one_clean_run_leaves(
    engine: str, tmp_path: Path
) -> None:
    events, users = generate(40, 20, end=date(2024, 4, 10), seed=11)
    cut = int(CUT.timestamp() * 1000)
    first = write(events.filter(pl.col("ts") < cut), users, tmp_path / "a.parquet")
    second = write(events.filter(pl.col("ts") >= cut), users, tmp_path / "b.parquet")
    dsn = _dsn(engine, tmp_path, "busy")
    assert (
        _cli(dsn, "ingest", str(first[0]), "--users", str(first[1]), cwd=tmp_path).returncode == 0
    )

    fires = _fire_loop(dsn, 3)
    cmd, _ = _waiting_cli(dsn, "ingest", str(second[0]), cwd=tmp_path)
    assert fires.stdin is not None
    fires.stdin.write("go\n")
    fires.stdin.flush()
    _, err = cmd.communicate(timeout=300)
    assert cmd.returncode == 0, err
    waited = 1
    commands = [  # the run first: a read before every job has run refuses to answer
        ("run", "--as-of", AS_OF.isoformat(), "--wait"),
        ("dashboard", "overview", "--format", "json"),
        ("leaderboard", "daily_lessons", "--format", "json"),
        ("achievements", "--format", "json"),
        ("points", "--format", "json"),
    ]
    for args in commands:
        r = _cli(dsn, *args, cwd=tmp_path)
        assert r.returncode == 0, (args, r.stderr)
        waited += "waiting for the store" in r.stderr
    log, _ = fires.communicate(timeout=600)
    assert fires.returncode == 0, log
    assert "failed" not in log, log  # busy fires are skipped, never failed
    assert waited + log.count(": busy, next fire tries again") > 0  # they did meet
    assert _cli(dsn, "run", "--as-of", AS_OF.isoformat(), cwd=tmp_path).returncode == 0

    clean = _dsn(engine, tmp_path, "clean")
    cfg = load(FULL)
    with Gamify(cfg, clean) as g:
        g.ingest([first[0]], users=first[1])
        g.ingest([second[0]])
        g.run(as_of=AS_OF)
        want = _derived(g)
    with Gamify(cfg, dsn) as g:
        got = _derived(g)
        checks = g.verify(200, 0)
    assert checks and not any(r["drifted"] for r in checks)
    assert list(got) == list(want)
    for name, frame in want.items():
        assert_frame_equal(got[name], frame, check_row_order=False)
