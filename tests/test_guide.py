"""docs/guide.md is true: its files, run through its commands on each engine, give the answer
it worked out by hand (the rows of its two answer tables), and leaving out the users file gives
the UTC answer it warns about."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from gamify_analytics.engines import dsn as dsns
from tests.helpers.cli import gamify
from tests.helpers.stores import ENGINE_PARAMS

GUIDE = Path(__file__).resolve().parents[1] / "docs" / "guide.md"
AS_OF = "2026-02-09T12:00:00Z"


def guide_files() -> dict[str, str]:
    """The files the guide shows: a `name.csv`: line, then its csv block."""
    text = GUIDE.read_text(encoding="utf-8")
    return dict(re.findall(r"^`([\w.]+\.csv)`[^\n]*:\n\n```csv\n(.*?)```", text, re.M | re.S))


def table_after(heading: str) -> list[list[str]]:
    """The rows (cells stripped) of the first Markdown table after the line `heading`."""
    text = GUIDE.read_text(encoding="utf-8")
    rest = text[text.index(heading) :]
    lines = [line for line in rest.splitlines() if line.startswith("|")]
    first = rest.splitlines().index(lines[0])
    table = []
    for line in rest.splitlines()[first:]:
        if not line.startswith("|"):
            break
        table.append([cell.strip() for cell in line.strip("|").split("|")])
    return table[2:]  # without the header and the rule


@pytest.fixture(params=ENGINE_PARAMS)
def workdir(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[Path, list[str]]:
    """The guide's files in a directory of their own, `init --example` run there."""
    for name, content in guide_files().items():
        (tmp_path / name).write_text(content)
    dsn = dsns.store_in(request.param, "guide", embedded_root=tmp_path / "chdb", folder=tmp_path)
    r = gamify("--dsn", dsn, "init", "--example", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    return tmp_path, ["--dsn", dsn]


def read(base: list[str], *args: str, cwd: Path) -> list[dict] | dict:
    r = gamify(*base, *args, "--format", "json", cwd=cwd)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def test_the_guide_gives_its_hand_checked_answer(workdir: tuple[Path, list[str]]) -> None:
    cwd, base = workdir
    assert sorted(guide_files()) == ["events.csv", "users.csv"]
    summary = read(base, "ingest", "events.csv", "--users", "users.csv", cwd=cwd)
    assert (summary["accepted"], summary["users_accepted"], summary["rejected"]) == (20, 5, 0)
    assert summary["utc_fallback"] == 0
    assert gamify(*base, "run", "--as-of", AS_OF, cwd=cwd).returncode == 0

    streaks = {s["user_id"]: s for s in read(base, "streaks", cwd=cwd)}
    points = {p["user_id"]: p["total"] for p in read(base, "points", cwd=cwd)}
    answer = table_after("`daily_lessons` as of 2026-02-09T12:00:00Z")
    assert [row[0] for row in answer] == ["ana", "ben", "chen", "dev", "eve"]
    for user, _days, length, status, freezes, expires, xp in answer:
        s = streaks[user]
        assert (s["length"], s["status"], s["freezes_left"]) == (int(length), status, int(freezes))
        assert (s["expires_at"] or "") == expires, user
        assert str(points.get(user, "")) == xp, user

    board = read(base, "leaderboard", "daily_xp", "--run", "2026-02-07", cwd=cwd)
    assert board["status"] == "final"
    ranks = [[str(e["rank"]), e["user_id"], str(e["score"])] for e in board["entries"]]
    assert ranks == table_after("`daily_xp` for the local day 2026-02-07")


def test_without_the_users_file_ana_counts_in_utc(workdir: tuple[Path, list[str]]) -> None:
    """The trap the guide warns about: no zones, a warning, and ana's 8 days become 1."""
    cwd, base = workdir
    r = gamify(*base, "ingest", "events.csv", cwd=cwd)
    assert r.returncode == 0 and "gamify: warning: 20 event(s) had no tz" in r.stderr
    assert gamify(*base, "run", "--as-of", AS_OF, cwd=cwd).returncode == 0
    [ana] = read(base, "streaks", "--user", "ana", cwd=cwd)
    assert (ana["length"], ana["longest"]) == (1, 2)
