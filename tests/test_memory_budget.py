"""The engines spill past the memory budget (peak memory ≤ 8 GB), not at their defaults
(half of the server's memory for ClickHouse, 80 % of RAM for DuckDB)."""

from __future__ import annotations

import pytest

from gamify_analytics.engines import StoreError, connect
from gamify_analytics.engines.base import MEMORY_GIB, memory_budget


def _spill_settings(dsn: str) -> dict[str, int | str]:
    """What the engine applies to the jobs' statements, read back from the engine itself."""
    with connect(dsn) as e:
        return e.memory_limits()


def test_default_budget_and_override(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GAMIFY_MEMORY_GIB", raising=False)
    assert memory_budget() == int(MEMORY_GIB * 2**30)
    monkeypatch.setenv("GAMIFY_MEMORY_GIB", "1.5")
    assert memory_budget() == 3 * 2**29
    for bad in ("lots", "0", "-2", "nan"):
        monkeypatch.setenv("GAMIFY_MEMORY_GIB", bad)
        with pytest.raises(StoreError, match="GAMIFY_MEMORY_GIB"):
            memory_budget()


def test_engines_apply_the_budget(dsn: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GAMIFY_MEMORY_GIB", "3")
    got = _spill_settings(dsn)
    if "memory_limit" in got:
        assert got == {"memory_limit": "3.0 GiB"}
    else:
        third = 2**30
        assert got == {
            "max_bytes_before_external_group_by": third,
            "max_bytes_before_external_sort": third,
            "max_bytes_before_external_distinct": third,
            "max_bytes_before_external_join": third,
        }
