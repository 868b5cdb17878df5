"""First stored wins, whichever way an ingest finds out what is stored: fingerprints of its
own keys (a store empty when it began), the engine asked about every key (the first batch into
a store that held events), or the engine's index read into memory (later batches). Tiny
batches put every kind of repeat across batches; both engines."""

from __future__ import annotations

from pathlib import Path

import pytest

from gamify_analytics.api import Gamify
from gamify_analytics.config import load
from gamify_analytics.ingest import load as ingest_load
from tests.helpers.stores import GOLDEN

NOW_MS = 1_800_000_000_000
HEADER = "event_id,user_id,metric,value,ts,tz\n"
#: stored by a first ingest
BEFORE = [("e1", "ana", 1), ("e2", "bo", 2)]
#: the second ingest, two rows a batch: a repeat of a stored key (e1, another value), a key
#: repeated in the same batch (e3) and in later batches (e4), a key equal but for its field
#: boundaries (user "an" + event "ae1" is not user "ana" + event "e1")
ROWS = [
    ("e1", "ana", 10),
    ("e3", "cy", 3),
    ("e3", "cy", 30),
    ("e4", "di", 4),
    ("e5", "ed", 5),
    ("e4", "di", 40),
    ("e2", "bo", 20),
    ("e6", "fa", 6),
    ("ae1", "an", 7),
    ("e4", "di", 400),
]


def _csv(path: Path, rows: list[tuple[str, str, int]]) -> Path:
    body = "".join(f"{e},{u},lessons,{v},2026-01-05T10:00:00Z,UTC\n" for e, u, v in rows)
    path.write_text(HEADER + body)
    return path


def _first_wins(*files: list[tuple[str, str, int]]) -> dict[tuple[str, str], int]:
    want: dict[tuple[str, str], int] = {}
    for rows in files:
        for e, u, v in rows:
            want.setdefault((u, e), v)
    return want


@pytest.mark.parametrize("stored_before", [False, True], ids=["empty-store", "store-with-events"])
def test_first_stored_wins_across_batches(dsn: str, tmp_path: Path, stored_before: bool) -> None:
    with Gamify(load(GOLDEN / "config.toml"), dsn) as g:
        g.init()
        if stored_before:
            g.ingest([_csv(tmp_path / "before.csv", BEFORE)], now_ms=NOW_MS)
        path = _csv(tmp_path / "rows.csv", ROWS)
        summary = ingest_load.ingest(g.engine, g.config, [path], now_ms=NOW_MS, batch_rows=2)
        stored = g.engine.query("read/events")
        got = {(r["user_id"], r["event_id"]): int(r["value"]) for r in stored.iter_rows(named=True)}
        want = _first_wins(BEFORE, ROWS) if stored_before else _first_wins(ROWS)
        assert got == want
        assert summary.accepted + summary.duplicates == len(ROWS)
        assert summary.accepted == len(want) - (len(BEFORE) if stored_before else 0)
        again = ingest_load.ingest(g.engine, g.config, [path], now_ms=NOW_MS, batch_rows=2)
        assert (again.accepted, again.duplicates) == (0, len(ROWS))
