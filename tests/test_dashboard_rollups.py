"""Dashboard rollups (docs/dashboards.md "Rollups") on both engines: an unfiltered read of any
range equals the exact computation and comes from the `dashboards` job's build wherever the
panel allows it; a build is used only while it is current (a new ingest or job run makes reads
exact again until the job rebuilds), and the job rebuilds only what changed."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from gamify_analytics.api import Gamify
from gamify_analytics.dashboards import NAMES, PANELS, Filters, query, rollups, slices
from gamify_analytics.synthetic import generate, write
from tests import test_dashboards as base
from tests.helpers.dashboards import AS_OF, CFG, END, NOW_MS, Data

g, data = base.g, base.data  # the dashboards tests' store (one per engine) and its events

#: Panels whose rows depend on the range itself (taken from a build only for its own range).
RANGE_BOUND = rollups.WHOLE_RANGE | rollups.AS_OF_END


def ranges(first: date, last: date, n: int, seed: int) -> list[tuple[date, date]]:
    """The whole range, single days at both ends, and `n` random sub-ranges."""
    rnd = random.Random(seed)
    span = (last - first).days
    out = [(first, last), (first, first), (last, last), (first, last - timedelta(1))]
    for _ in range(n):
        a, b = sorted(rnd.randint(0, span) for _ in range(2))
        out.append((first + timedelta(a), first + timedelta(b)))
    return out


@pytest.mark.slow
def test_every_range_equals_the_exact_computation(g: Gamify) -> None:
    for name in NAMES:
        build = rollups.load(g.engine, name)
        assert (
            build is not None
            and build.fingerprint == rollups.fingerprints(g.engine, g.config)[name]
        )
        for lo, hi in ranges(build.first_day, build.last_day, 12, seed=len(name)):
            f = Filters(date_from=lo, date_to=hi)
            got, exact = (
                query(g.engine, g.config, name, f),
                query(g.engine, g.config, name, f, rollups=False),
            )
            for panel in PANELS[name]:
                assert_frame_equal(got[panel], exact[panel])
                served = rollups.read(g.config, build, name, panel, lo, hi) is not None
                bound = (name, panel) in RANGE_BOUND
                assert served or (bound and (lo, hi) != (build.first_day, build.last_day)), (
                    name,
                    panel,
                    lo,
                    hi,
                )
        # open ends are the build's range; outside it, and filtered reads, are exact
        assert (
            rollups.read(
                g.config,
                build,
                name,
                next(iter(PANELS[name])),
                build.first_day - timedelta(1),
                build.last_day,
            )
            is None
        )


def test_a_stale_build_is_never_read_and_the_job_rebuilds_only_what_changed(
    g: Gamify, data: Data
) -> None:
    assert g.run(["dashboards"], as_of=AS_OF)[0]["rows"] == 0  # current: nothing rebuilt
    before = {n: rollups.load(g.engine, n) for n in NAMES}
    g.run(["points"], as_of=AS_OF)  # a later points run: only the points dashboard is stale
    now = rollups.fingerprints(g.engine, g.config)
    assert {n for n in NAMES if before[n].fingerprint != now[n]} == {"points"}  # type: ignore[union-attr]
    assert g.run(["dashboards"], as_of=AS_OF)[0]["rows"] > 0
    after = {n: rollups.load(g.engine, n) for n in NAMES}
    assert {n for n in NAMES if after[n].built != before[n].built} == {"points"}  # type: ignore[union-attr]

    # a new ingest (here: the same file again, which stores nothing new) makes every build
    # stale; reads are exact, then the job makes them current again
    g.ingest([data.files[0]], now_ms=NOW_MS)
    now = rollups.fingerprints(g.engine, g.config)
    assert all(after[n].fingerprint != now[n] for n in NAMES)  # type: ignore[union-attr]
    for name in NAMES:
        assert_frame_equal_all(
            query(g.engine, g.config, name), query(g.engine, g.config, name, rollups=False)
        )
    g.run(["dashboards"], as_of=AS_OF)
    prints = rollups.fingerprints(g.engine, g.config)
    kept = slices.built(g.engine, g.config)  # unfiltered, and per metric (event dashboards)
    assert rollups.stored_fingerprints(g.engine) == {
        s.key(n): prints[n] for n in NAMES for s in kept[n]
    }
    assert len(g.engine.query("dashboards/rollup_prints")) == sum(map(len, kept.values()))


def assert_frame_equal_all(a: dict, b: dict) -> None:
    assert list(a) == list(b)
    for panel in a:
        assert_frame_equal(a[panel], b[panel])


def assert_build_is_exact(g: Gamify) -> None:
    """Every stored panel of every build equals the exact computation over the whole range."""
    for name in NAMES:
        build = rollups.load(g.engine, name)
        assert build is not None
        exact = query(g.engine, g.config, name, rollups=False)
        stored = [p for p in PANELS[name] if (name, p) not in rollups.NOT_STORED]
        assert sorted(build.frames) == sorted(stored), name
        for panel in stored:
            assert_frame_equal(build.frames[panel], exact[panel], check_dtypes=False)


@pytest.mark.slow
def test_a_build_recomputes_only_the_days_that_changed(dsn: str, tmp_path: Path) -> None:
    """A first build, then new days and late events of a day in the middle (ingested later):
    the next build keeps the rows before the first changed day, recomputes the rest, and
    equals a build from scratch; a recompute (`--full`) of a job rebuilds its dashboard."""
    events, users = generate(60, 30, end=END, seed=11)

    def ms(days_before_end: int) -> int:
        instant = datetime(END.year, END.month, END.day, tzinfo=UTC)
        return int((instant - timedelta(days=days_before_end)).timestamp() * 1000)

    events = events.with_row_index("_i")
    late = pl.col("ts").is_between(ms(15), ms(14), closed="left") & (pl.col("_i") % 2 == 0)
    new = (pl.col("ts") >= ms(4)) | late
    a, users_path = write(events.filter(~new).drop("_i"), users, tmp_path / "a.parquet")
    b, _ = write(events.filter(new).drop("_i"), users, tmp_path / "b.parquet")
    t1 = datetime(END.year, END.month, END.day, tzinfo=UTC) - timedelta(days=3)
    t2 = datetime(END.year, END.month, END.day, tzinfo=UTC) + timedelta(days=2)
    with Gamify(CFG, dsn) as g:
        g.ingest([a], users=users_path, now_ms=NOW_MS)
        g.run(as_of=t1)
        assert_build_is_exact(g)
        g.ingest([b], now_ms=NOW_MS)
        g.run([j for j in ("streaks", "achievements", "points", "leaderboards")], as_of=t2)
        span = g.engine.query("dashboards/stored_range").row(0, named=True)
        basis = rollups.basis(g.engine, g.config)
        changed = {
            n: rollups.first_changed(g.engine, n, rollups.load(g.engine, n), basis)
            for n in (*rollups.EVENT_DATED, *rollups.RUN_DATED)
        }
        # not vacuous: the late events' days are the first changed ones, with rows kept before
        for name in ("overview", "retention", "engagement", "points"):
            assert span["first_day"] < changed[name] < END - timedelta(days=12), changed  # type: ignore[operator]
        g.run(["dashboards"], as_of=t2)
        assert_build_is_exact(g)

        g.run(["points"], as_of=t2, full=True)
        points_build = rollups.load(g.engine, "points")
        assert rollups.first_changed(g.engine, "points", points_build, basis) == date.min
        g.run(["dashboards"], as_of=t2)
        assert_build_is_exact(g)
