"""Both engines equal the pure-Python reference on random streak scenarios.

Random users travel between zones with DST changes, 30/45-minute offsets and a skipped day;
timestamps cluster on zone transitions and local midnights; values are negative or fractional;
freeze configs, modes, conditions and frequencies vary. `streaks.compute` and `streaks.history`
must equal tests/reference/streaks.py exactly.

An embedded ClickHouse store is slow to set up, so each test function uses one store: every
example ingests its events under user ids with a fresh prefix and a streak key of its own, and
only those users are compared.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gamify_analytics import config, streaks, tz
from gamify_analytics.api import Gamify
from tests.reference import streaks as ref
from tests.reference.streak_cases import (
    METRICS,
    NOW_MS,
    history_of,
    history_order,
    states_of,
    write_events,
)

ZONES = (
    "America/New_York",
    "Europe/London",
    "Australia/Lord_Howe",
    "Asia/Kathmandu",
    "Pacific/Chatham",
    "Pacific/Apia",
    "America/Santiago",
    "Asia/Tokyo",
    "Pacific/Honolulu",
    "UTC",
)
FREQUENCIES = ("daily", "weekly", "monthly")
DAY_MS = 86_400_000
UNIT_MS = {"daily": DAY_MS, "weekly": 7 * DAY_MS, "monthly": 30 * DAY_MS}
LO_MS = ref.to_ms(datetime(2000, 1, 10, tzinfo=UTC))
HI_MS = ref.to_ms(datetime(2042, 1, 1, tzinfo=UTC))
#: Examples per (engine, frequency): the embedded ClickHouse answers in ~1 s per example.
EXAMPLES = 25

#: Transition instants (UTC ms) of each zone inside the event window; the Apia skip included.
TRANSITIONS = {
    z: [t * 1000 for t, _ in tz.transitions(z) if LO_MS <= t * 1000 <= HI_MS] for z in ZONES
}
ALL_TRANSITIONS = sorted({t for ts in TRANSITIONS.values() for t in ts})
assert ref.to_ms(datetime(2011, 12, 30, 10, tzinfo=UTC)) in TRANSITIONS["Pacific/Apia"]

JITTER_MS = st.one_of(
    st.sampled_from([0, -1, 1, -1000, 30 * 60_000, -30 * 60_000, 45 * 60_000, 3_600_000]),
    st.sampled_from([-3_600_000, 12 * 3_600_000, -12 * 3_600_000]),
    st.integers(-DAY_MS // 3, DAY_MS // 3),
)
VALUES = st.one_of(
    st.sampled_from(["1", "1", "2", "0.5", "1.5", "-1", "0.1", "0.000001", "-0.25"]),
    st.integers(-1_500_000, 4_000_000).map(lambda m: format(Decimal(m).scaleb(-6), "f")),
)
THRESHOLDS = st.sampled_from([0, 0.5, 0.5, 1, 1, 1, 1.5, 2, 0.1, 0.3])
METRIC = st.sampled_from(["a", "a", "b"])


@dataclass(frozen=True)
class Scenario:
    events: tuple[ref.Event, ...]
    users: tuple[str, ...]
    streak: dict[str, Any]  # a [[streaks]] entry
    as_of: datetime


@st.composite
def anchors(draw: st.DrawFn, zone: str) -> int:
    """An instant near a transition (of this zone, or any), a local midnight, or anywhere."""
    kind = draw(st.sampled_from(["transition", "transition", "midnight", "anywhere"]))
    if kind == "transition":
        return draw(st.sampled_from(TRANSITIONS[zone] or ALL_TRANSITIONS))
    if kind == "midnight":
        day = draw(st.dates(date(2000, 1, 12), date(2041, 11, 30)))
        return ref.first_instant(day, zone)
    return draw(st.integers(LO_MS, HI_MS))


@st.composite
def scenarios(draw: st.DrawFn, frequency: str, prefix: str) -> Scenario:
    unit = UNIT_MS[frequency]
    events: list[ref.Event] = []
    users = tuple(f"{prefix}u{i}" for i in range(draw(st.integers(1, 6))))
    shared = draw(anchors(draw(st.sampled_from(ZONES))))
    for user in users:
        home = draw(st.sampled_from(ZONES))
        if draw(st.integers(0, 3)) == 0:
            t0 = draw(anchors(home))
        else:  # most users are active around the same time, so one as_of suits them all
            t0 = shared + draw(st.integers(-2 * unit, 2 * unit))
        step = 0
        for j in range(draw(st.integers(1, 12))):
            step += draw(st.sampled_from([0, 1, 1, 1, 1, 1, 2, 3, 5]))
            ts = min(max(t0 + step * unit + draw(JITTER_MS), LO_MS), HI_MS)
            travels = draw(st.integers(0, 9)) < 3
            zone = draw(st.sampled_from(ZONES)) if travels else home
            events.append(
                ref.Event(
                    user,
                    draw(METRIC),
                    f"e{j}",
                    Decimal(draw(VALUES)),
                    ref.from_ms(ts),
                    zone,
                )
            )
    conditions = draw(
        st.lists(
            st.fixed_dictionaries({"metric": METRIC, "threshold": THRESHOLDS}),
            min_size=1,
            max_size=2,
        )
    )
    most = draw(st.integers(0, 3))
    freezes = {
        "initial": draw(st.integers(0, most)),
        "max": most,
        "earn_every": draw(st.integers(0, 3)),
        "earn_amount": draw(st.integers(1, 2)),
    }
    streak = {
        "frequency": frequency,
        "conditions": conditions,
        "mode": draw(st.sampled_from(["all", "any"])),
        "freezes": freezes,
    }
    return Scenario(tuple(events), users, streak, ref.from_ms(draw(as_of_instants(events, unit))))


@st.composite
def as_of_instants(draw: st.DrawFn, events: list[ref.Event], unit: int) -> int:
    """Around some user's last event: on it, some periods later, or on (or 1 ms before) a
    period boundary after it; or anywhere near any event."""
    e = draw(st.sampled_from(events))
    last = max((x for x in events if x.user_id == e.user_id), key=lambda x: x.ts)
    t = ref.to_ms(last.ts)
    kind = draw(st.sampled_from(["near", "later", "boundary", "boundary", "middle"]))
    if kind == "near":
        return t + draw(st.sampled_from([0, -1, 1]))
    if kind == "later":
        return t + draw(st.integers(-unit, 3 * unit))
    if kind == "middle":
        return ref.to_ms(e.ts) + draw(st.integers(-unit, unit))
    zone = draw(st.sampled_from([last.tz, *ZONES]))
    d = ref.local_date(t, last.tz) + timedelta(days=draw(st.integers(0, 3)) * unit // DAY_MS)
    return ref.first_instant(d + timedelta(days=1), zone) + draw(st.sampled_from([0, -1]))


def _config(key: str, streak: dict[str, Any]) -> config.Config:
    return config.parse(
        {"metrics": [{"key": m} for m in METRICS], "streaks": [{"key": key, **streak}]}
    )


@pytest.mark.slow
@pytest.mark.parametrize("frequency", FREQUENCIES)
def test_engines_equal_the_reference(frequency: str, dsn: str, tmp_path: Path) -> None:
    counter = itertools.count()
    with Gamify(_config("base", {"frequency": "daily", "conditions": [{"metric": "a"}]}), dsn) as g:
        g.init()

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        )
        @given(st.data())
        def run(data: st.DataObject) -> None:
            n = next(counter)
            sc = data.draw(scenarios(frequency, prefix=f"p{n}_"), label="scenario")
            key = f"s{n}"
            cfg = _config(key, sc.streak)
            path = write_events(tmp_path / f"events_{n}.parquet", sc.events)
            summary = g.ingest([path], now_ms=NOW_MS)
            assert summary.accepted == len(sc.events) and not summary.rejected

            want_states, want_history = ref.compute(sc.events, cfg.streaks[0], sc.as_of)
            state = streaks.compute(g.engine, cfg, key, sc.as_of)
            state = state.filter(pl.col("user_id").is_in(list(sc.users)))
            assert states_of(state) == want_states
            hist = history_of(streaks.history(g.engine, cfg, key, sc.as_of, users=list(sc.users)))
            assert [(h.user_id, h.period) for h in hist] == [
                (h.user_id, h.period) for h in history_order(hist)
            ]
            assert history_order(hist) == want_history

        run()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(FREQUENCIES).flatmap(lambda f: scenarios(f, prefix="r_")))
def test_reference_expires_exactly_when_freezes_run_out(sc: Scenario) -> None:
    """Reference self-check: with no new events, an alive streak is still alive 1 ms before
    `expires_at` (with no freezes left) and broken at it; history rows are consistent."""
    streak = _config("s", sc.streak).streaks[0]
    seen = [e for e in sc.events if e.ts <= sc.as_of]
    states, history = ref.compute(seen, streak, sc.as_of)
    for s in states:
        rows = [h for h in history if h.user_id == s.user_id]
        assert s.longest >= s.length >= 0
        assert s.longest == max((h.length for h in rows), default=0)
        assert (s.status == "none") == (not rows)
        assert all(h.qualified != h.used_freeze for h in rows)
        if s.status not in ("active", "at_risk"):
            assert s.expires_at is None and s.length == 0
            continue
        assert s.expires_at is not None and s.expires_at > sc.as_of
        before = ref.compute(seen, streak, s.expires_at - timedelta(milliseconds=1))[0]
        at = ref.compute(seen, streak, s.expires_at)[0]
        mine = {x.user_id: x for x in before}[s.user_id]
        assert mine.status == "at_risk" and mine.freezes_left == 0 and mine.length == s.length
        assert {x.user_id: x for x in at}[s.user_id].status == "broken"
