"""Both engines equal the pure-Python leaderboard reference on random scenarios (
docs/leaderboards.md).

A few users with events of metrics `a`/`b` clustered around local midnights of several zones
(ties on `ts`, zero, negative and fractional values, travellers; the scenario strategy of
tests/test_achievements_property.py), a users file whose `country` (and `plan`) attributes
are sometimes missing, and some users absent from it. Each example draws its own config (a
streak, achievements and points systems as in the achievements property) plus 1–3 boards
ranking `metric:`, `points:` or `streak:` over every period, with or without a breakdown, and
small caps (1–3) so they bite. Every run with contributions (and, for its first and last two
runs, every group plus one that does not exist) of `g.leaderboard(...)` must equal
`tests/reference/leaderboards.py` exactly, provisional. On some examples the `leaderboards`
job then finalizes the due runs, and the final standings must be the same.

`test_hand_worked_cases` runs the hand-worked cases of tests/test_leaderboards_reference.py on
both engines.

As in the achievements property, each test function uses one store: every example has user ids
with a fresh prefix, config keys with a fresh suffix, and runs the jobs with `full=True`. Boards
rank every user of the store, so each example also has metrics of its own, and no streak
condition of threshold 0 (met by an event of any metric: other examples' users would qualify).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import polars as pl

from tests.reference.leaderboards import Entry


def write_users(path: Path, users: dict[str, dict[str, str]]) -> Path:
    """A Parquet users file: `country` and `plan` columns (null when missing)."""
    ids = sorted(users)
    frame = pl.DataFrame(
        {
            "user_id": ids,
            "tz": ["UTC"] * len(ids),
            "country": [users[u].get("country") for u in ids],
            "plan": [users[u].get("plan") for u in ids],
        },
        schema={"user_id": pl.String, "tz": pl.String, "country": pl.String, "plan": pl.String},
    )
    frame.write_parquet(path)
    return path


def entries(got: dict[str, Any]) -> list[Entry]:
    out = []
    for e in got["entries"]:
        assert isinstance(e["score"], Decimal), e
        assert e["previous_score"] is None or isinstance(e["previous_score"], Decimal), e
        out.append(
            Entry(e["rank"], e["user_id"], e["score"], e["previous_rank"], e["previous_score"])
        )
    return out
