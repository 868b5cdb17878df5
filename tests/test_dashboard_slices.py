"""Filtered dashboard rollups (docs/dashboards.md "Filtered reads from rollups") on both
engines: a read filtered by a metric, by a value of a configured dimension, or both, over any
range, equals the exact computation, and takes its rows from a build wherever one serves it; a
users file that moves users between values makes the attribute builds recompute every day."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from gamify_analytics import verify
from gamify_analytics.api import Gamify
from gamify_analytics.config import Dashboards
from gamify_analytics.dashboards import NAMES, PANELS, Filters, query, rollups, run_job, slices
from gamify_analytics.synthetic import generate, write
from tests.helpers.dashboards import AS_OF, CFG, END, NOW_MS
from tests.helpers.stores import ENGINE_PARAMS, StoreFactory

CFG_DIMS = replace(CFG, dashboards=Dashboards(("plan",)))
PLANS = ("free", "plus", "pro")


def with_plans(users: Path, out: Path, moved: list[str] | None = None) -> Path:
    """The users file with a `plan` attribute, a dimension of three values (`moved` users are
    all on "pro")."""
    frame = pl.read_parquet(users).with_row_index("i")
    plan = pl.lit(list(PLANS)).list.get(pl.col("i") % len(PLANS))
    moved_ = pl.col("user_id").is_in(moved or [])
    frame = frame.with_columns(plan=pl.when(moved_).then(pl.lit("pro")).otherwise(plan))
    frame.drop("i").write_parquet(out)
    return out


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The dashboards tests' data: 60 users over 30 days (events, users)."""
    events, users = generate(60, 30, end=END, seed=5)
    return write(events, users, tmp_path_factory.mktemp("slices") / "events.parquet")


@pytest.fixture(scope="module", params=ENGINE_PARAMS)
def g(
    request: pytest.FixtureRequest,
    chdb_root: Path,
    files: tuple[Path, Path],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Gamify]:
    """One store per engine: the events ingested with plans, every job run, plan a dimension."""
    tmp = tmp_path_factory.mktemp("slices")
    stores = StoreFactory(request.param, chdb_root, tmp)
    with Gamify(CFG_DIMS, stores.new()) as store:
        users = with_plans(files[1], tmp / "users.parquet")
        store.ingest([files[0]], users=users, now_ms=NOW_MS)
        store.run(as_of=AS_OF)
        yield store
    stores.drop()


def assert_exact(g: Gamify, name: str, f: Filters) -> None:
    got = query(g.engine, g.config, name, f)
    exact = query(g.engine, g.config, name, f, rollups=False)
    for panel in PANELS[name]:
        assert_frame_equal(got[panel], exact[panel])


def test_the_job_keeps_a_build_of_every_slice(g: Gamify) -> None:
    kept = slices.built(g.engine, g.config)
    for name in NAMES:
        metrics = [None, *CFG.metrics] if name in slices.EVENT else [None]
        want = {(m, a) for m in metrics for a in [None, *(("plan", p) for p in PLANS)]}
        assert {(s.metric, s.attribute) for s in kept[name]} == want
    prints = rollups.fingerprints(g.engine, g.config)
    stored = rollups.stored_fingerprints(g.engine)
    assert stored == {s.key(n): prints[n] for n in NAMES for s in kept[n]}

    # without the dimension, its builds are deleted; with it again, built again
    run_job(g.engine, CFG, AS_OF)
    assert not any("plan" in key for key in rollups.stored_fingerprints(g.engine))
    run_job(g.engine, CFG_DIMS, AS_OF)
    assert rollups.stored_fingerprints(g.engine) == stored


#: Attribute filters drawn: each plan (a build each), and three that no build serves.
ATTRIBUTES = [
    (),
    *((("plan", p),) for p in PLANS),
    (("plan", "gold"),),  # no user has it
    (("country", "US"),),  # not a dimension
    (("plan", "pro"), ("country", "US")),  # two attributes
]


@settings(max_examples=40, deadline=None)
@given(pick=st.data())
def test_filtered_reads_equal_the_exact_computation(g: Gamify, pick: st.DataObject) -> None:
    name = pick.draw(st.sampled_from(NAMES))
    metric = pick.draw(st.sampled_from([None, *CFG.metrics]))
    attributes = pick.draw(st.sampled_from(ATTRIBUTES))
    build = rollups.load(g.engine, name)
    assert build is not None
    span = (build.last_day - build.first_day).days
    a, b = sorted(pick.draw(st.integers(0, span)) for _ in range(2))
    lo, hi = build.first_day + timedelta(a), build.first_day + timedelta(b)
    whole = pick.draw(st.booleans())
    assert_exact(g, name, Filters(None if whole else lo, None if whole else hi, metric, attributes))


def test_a_filtered_read_takes_its_rows_from_the_build(g: Gamify) -> None:
    """Not vacuous: a build whose rows were altered (its fingerprint still current) is what a
    read of its slice returns, also for a metric of a dashboard that selects items by it."""
    attr = (("plan", "pro"),)
    for name, panel, metric in (
        ("overview", "events_per_metric", "lessons"),
        ("achievements", "completions", "lessons"),
    ):
        s = slices.serving(g.config, name, metric, attr)
        assert s is not None
        b = rollups.load(g.engine, s.key(name))
        assert b is not None and b.frames[panel].height > 1
        frames = {**b.frames, panel: b.frames[panel].head(1)}
        rollups.store(
            g.engine, s.key(name), b.fingerprint, b.first_day, b.last_day, frames, b.basis
        )
        got = query(g.engine, g.config, name, Filters(metric=metric, attributes=attr))
        assert got[panel].height <= 1
        g.run(["dashboards"], as_of=AS_OF, full=True)
        assert_exact(g, name, Filters(metric=metric, attributes=attr))


def test_moving_users_between_values_recomputes_every_day(
    g: Gamify, files: tuple[Path, Path], tmp_path: Path
) -> None:
    """A users file alone (no new events) moves a third of the users to "pro": the attribute
    builds are recomputed from the first day, not only from the days of new events (none)."""
    moved = pl.read_parquet(files[1])["user_id"].to_list()[::3]
    try:
        users = with_plans(files[1], tmp_path / "u.parquet", moved)
        g.ingest([], users=users, now_ms=NOW_MS)
        g.run(["dashboards"], as_of=AS_OF)
        for name in NAMES:
            for plan in ("free", "pro"):
                assert_exact(g, name, Filters(attributes=(("plan", plan),)))
        assert verify.rollups(g.engine, g.config, seed=3).drifted == 0
    finally:  # the module's other tests expect the original plans
        g.ingest([], users=with_plans(files[1], tmp_path / "v.parquet"), now_ms=NOW_MS)
        g.run(["dashboards"], as_of=AS_OF)
