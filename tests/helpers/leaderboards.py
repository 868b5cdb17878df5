"""What the leaderboard tests share (tests/test_leaderboards_property.py and
tests/test_leaderboards_finalize.py): a users file with `country` and `plan` attributes, and a
`leaderboard` read's entries as reference `Entry` rows, scores checked to be exact decimals."""

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
