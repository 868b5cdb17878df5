"""Both engines equal the pure-Python achievements/points reference on random scenarios (
docs/achievements.md).

A few users, each with a handful of events of metrics `a`/`b` (negative and fractional values,
ties on `ts`, an optional `device` attribute), clustered on a few days around local midnights of
zones with DST, a 30-minute DST shift and a skipped day, travellers switching zones. Each example
draws its own config: metric achievements (some filtered), a period achievement, a streak with a
streak achievement, composites (sometimes of a composite), and points systems with metric,
achievement and streak triggers, small caps and levels. The jobs' completions, ledger rows,
totals and levels must equal `tests/reference/achievements.py` exactly.

An embedded ClickHouse store is slow to set up, so each test function uses one store: every
example uses user ids with a fresh prefix and config keys with a fresh suffix (a new key is
evaluated over all history on its first run), runs the jobs with `full=True` (so `as_of` may
move backwards between examples), and compares only its own users.

The scenario strategy, Parquet writer and observe/expect live in tests/helpers/achievements.py,
shared with tests/test_achievements_jobs.py.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from hypothesis import strategies as st

from gamify_analytics import config
from gamify_analytics.api import Gamify
from tests.helpers.achievements import (
    FIXED_EVENTS,
    FIXED_RAW,
    Outcome,
    Scenario,
    _utc,
    as_of_instants,
    assert_matches,
    base_config,
    check_ledger_columns,
    completions_frame,
    config_raws,
    event_lists,
    expect,
    observe,
    run_jobs,
    write_aevents,
)
from tests.helpers.hypothesis import run_examples
from tests.reference.streak_cases import NOW_MS, U

#: Examples per engine: the embedded ClickHouse needs ~2–6 s for each (a new points system's
#: first run deletes its ledger rows, and a ClickHouse DELETE costs ~0.15 s per partition).
EXAMPLES = {"clickhouse": 20, "duckdb": 40}


# --- events ------------------------------------------------------------------------------


# --- configs -----------------------------------------------------------------------------


@st.composite
def scenarios(draw: st.DrawFn, prefix: str, sfx: str, max_users: int = 5) -> Scenario:
    events = draw(event_lists(prefix, max_users))
    users = tuple(sorted({e.user_id for e in events}))
    raw = draw(config_raws(sfx))
    return Scenario(tuple(events), users, raw, draw(as_of_instants(events)))


# --- comparing an engine with the reference ---------------------------------------------------


def tally(stats: Counter, want: Outcome, cfg: config.Config) -> None:
    """Count what an example exercised (so a vacuous run of the property is caught)."""
    kinds = {a.key: a.kind for a in cfg.achievements}
    for c in want.completions:
        stats[f"completed:{kinds[c.achievement]}"] += 1
    for r in want.ledger:
        stats["ledger"] += 1
        if r.points != r.requested:
            stats["clamped"] += 1
        if r.points < 0:
            stats["negative"] += 1
    if want.completions:
        stats["examples_with_completions"] += 1


# --- the property ------------------------------------------------------------------------


def check_example(g: Gamify, sc: Scenario, path: Path, stats: Counter) -> None:
    cfg = sc.config
    g.config = cfg  # this example's keys; the store keeps every earlier example's rows
    summary = g.ingest([write_aevents(path, sc.events)], now_ms=NOW_MS)
    assert summary.accepted == len(sc.events) and not summary.rejected
    run_jobs(g, sc.as_of, full=True)
    got = observe(g, cfg, sc.users)
    check_ledger_columns(g, sc.events, sc.users)
    comp = completions_frame(g, sc.users)
    want = expect(sc.events, cfg, sc.as_of)
    tally(stats, want, cfg)
    assert_matches(got, want)
    # A new key's first run is this one: a completion before its as_of is backdated.
    for r in comp.iter_rows(named=True):
        assert r["backdated"] == (_utc(r["achieved_at"]) < sc.as_of), r


@pytest.mark.slow
def test_engines_equal_the_reference(dsn: str, tmp_path: Path) -> None:
    stats: Counter = Counter()

    def example(g: Gamify, data: st.DataObject, n: int) -> None:
        sc = data.draw(scenarios(prefix=f"p{n}_", sfx=f"_{n}"), label="scenario")
        check_example(g, sc, tmp_path / f"events_{n}.parquet", stats)

    run_examples(dsn, base_config(), EXAMPLES, example)
    # Not vacuous: the examples completed achievements and clamped awards.
    assert stats["examples_with_completions"] >= 3, stats
    assert stats["clamped"] >= 1, stats
    assert stats["completed:metric"] >= 1 and stats["completed:streak"] >= 1, stats


# --- a deterministic scenario that exercises every kind ------------------------------------


def test_a_fixed_scenario_equals_the_reference(dsn: str, tmp_path: Path) -> None:
    sc = Scenario(
        FIXED_EVENTS,
        ("x_u1", "x_u2", "x_u3"),
        FIXED_RAW,
        U("2024-03-20T00:00:00Z"),
    )
    want = expect(sc.events, sc.config, sc.as_of)
    kinds = {c.achievement for c in want.completions}
    assert kinds == {"both", "ios3", "day3", "st2", "b0"}  # the case is not vacuous
    assert any(r.points != r.requested and r.points == 0 for r in want.ledger)  # cut at 0
    assert any(0 < r.points < r.requested for r in want.ledger)  # cut at max_points
    with Gamify(sc.config, dsn) as g:
        g.init()
        check_example(g, sc, tmp_path / "events.parquet", Counter())
