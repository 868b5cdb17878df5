"""Finalization of leaderboard runs (docs/leaderboards.md "Finalization"), on both
engines.

- A daily run for D is provisional until D+1 12:00:00 UTC and final from then on.
- Final standings are those of the events present at finalization (the reference over exactly
  those events); an event of D ingested later leaves them unchanged and is counted as `late`
  (metric and points boards); the next run's previous rank/score come from D's final standings.
- Re-running the job (same, earlier or later as_of, `full`) changes nothing.
- A week of missed finalizations is caught up by one run.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from gamify_analytics import config, jobs
from gamify_analytics.api import Gamify
from tests.helpers.achievements import write_aevents
from tests.helpers.leaderboards import entries, write_users
from tests.reference import leaderboards as ref
from tests.reference import streaks as sref
from tests.reference.achievements import AEvent
from tests.reference.leaderboards import Entry
from tests.reference.streak_cases import NOW_MS, U

#: slow: job runs at many instants, on both engines
pytestmark = pytest.mark.slow

RAW: dict[str, Any] = {
    "metrics": [{"key": "a"}, {"key": "b"}],
    "streaks": [{"key": "s", "frequency": "daily", "conditions": [{"metric": "a"}]}],
    "points": [{"key": "xp", "max_points": 100, "triggers": [{"metric": "a", "points": 1}]}],
    "leaderboards": [
        {"key": "day_a", "rank_by": "metric:a", "period": "daily", "breakdown": ["country"]},
        {"key": "day_xp", "rank_by": "points:xp", "period": "daily"},
        {"key": "week_a", "rank_by": "metric:a", "period": "weekly", "max_participants": 2},
        {"key": "ever_a", "rank_by": "metric:a", "period": "perpetual"},
        {"key": "streak_s", "rank_by": "streak:s"},
    ],
}
DAILY = ("day_a", "day_xp")
USERS = {
    "u1": {"country": "US"},
    "u2": {"country": "NZ"},
    "u3": {"country": "US"},
    "u4": {},
    "w1": {"country": "US"},
    "w2": {"country": "US"},
    "w3": {"country": "NZ"},
}
# u5 and w4 are not in the users file.

D0, D = date(2024, 3, 3), date(2024, 3, 4)  # a Sunday (week of 02-26) and a Monday
D2 = date(2024, 3, 5)


def E(eid: str, user: str, ts: str, value: str = "1", metric: str = "a", zone: str = "UTC"):
    return AEvent(user, metric, eid, Decimal(value), U(ts), zone)


EVENTS = (
    # D0 (03-03): u2 4, u1 1.
    E("e01", "u1", "2024-03-03T12:00:00Z", "1"),
    E("e02", "u2", "2024-03-03T12:00:00Z", "4"),
    # D (03-04):
    E("e10", "u1", "2024-03-04T10:00:00Z", "3"),
    # u2 in Auckland (UTC+13): 03-04T10:00Z is 03-04 23:00 local.
    E("e11", "u2", "2024-03-04T10:00:00Z", "2", zone="Pacific/Auckland"),
    # u3 in Pago Pago (UTC-11): 03-05T10:59Z is 03-04 23:59 local: before D's 12:00 due time.
    E("e12", "u3", "2024-03-05T10:59:00Z", "5", zone="Pacific/Pago_Pago"),
    E("e13", "u4", "2024-03-04T00:00:00Z", "1"),
    E("e14", "u4", "2024-03-04T20:00:00Z", "0"),
    E("e15", "u5", "2024-03-04T05:00:00Z", "-1"),
    # D2 (03-05): u4 1.
    E("e20", "u4", "2024-03-05T01:00:00Z", "1"),
)
# Arrive after D was finalized: an a event of D (a contribution to day_a and, as a ledger row,
# to day_xp) and a b event of D (a contribution to neither).
LATE = (
    E("e30", "u4", "2024-03-04T12:00:00Z", "10"),
    E("e31", "u1", "2024-03-04T13:00:00Z", "7", metric="b"),
)

BEFORE_DUE = U("2024-03-05T11:59:59Z")
DUE = U("2024-03-05T12:00:00Z")
LATER = U("2024-03-05T13:00:00Z")


def cfg() -> config.Config:
    return config.parse(RAW)


def N(rank: int, user: str, score: str, prev_rank: int | None = None, prev: str | None = None):
    return Entry(rank, user, Decimal(score), prev_rank, None if prev is None else Decimal(prev))


def read(g: Gamify, key: str, run: date | None, as_of: datetime, group: str = "") -> dict:
    got = g.leaderboard(key, run=run, group=group, as_of=as_of)
    assert got["leaderboard"] == key
    assert got["run"] == ("perpetual" if run is None else run.isoformat()), got
    return got


def want(events, key: str, run: date | None, as_of: datetime, group: str = "") -> list[Entry]:
    return ref.standings(events, USERS, cfg(), key, run, group, as_of)


def rows(result: list[dict]) -> dict[str, int]:
    return {r["job"]: r["rows"] for r in result}


def ingest(g: Gamify, tmp: Path, name: str, events, users: bool = True) -> None:
    summary = g.ingest(
        [write_aevents(tmp / f"{name}.parquet", events)],
        users=write_users(tmp / "users.parquet", USERS) if users else None,
        now_ms=NOW_MS,
    )
    assert summary.accepted == len(events) and not summary.rejected, summary


def snapshot(g: Gamify, as_of: datetime) -> list[dict]:
    """Every run of the daily/weekly boards around D, every group of day_a."""
    out = []
    for key in DAILY:
        for run in (D0, D, D2):
            out.append(g.leaderboard(key, run=run, as_of=as_of))
    for group in ("US", "NZ", "(none)"):
        out.append(g.leaderboard("day_a", run=D, group=group, as_of=as_of))
    out.append(g.leaderboard("week_a", run=date(2024, 2, 26), as_of=as_of))
    return out


def test_a_daily_run_becomes_final_at_12_utc_the_next_day(dsn: str, tmp_path: Path) -> None:
    with Gamify(cfg(), dsn) as g:
        ingest(g, tmp_path, "events", EVENTS)
        # 11:59:59: D0 (due 03-04 12:00) of day_a and day_xp and week 02-26 of week_a (due
        # 03-04 12:00: D0 is its Sunday) are final; D is not due yet.
        assert rows(g.run(as_of=BEFORE_DUE))["leaderboards"] == 3
        for key in DAILY:
            got = read(g, key, D, BEFORE_DUE)
            assert (got["status"], got["late"]) == ("provisional", 0), got
            assert entries(got) == want(EVENTS, key, D, BEFORE_DUE)
            assert read(g, key, D0, BEFORE_DUE)["status"] == "final"
        assert read(g, "week_a", date(2024, 2, 26), BEFORE_DUE)["status"] == "final"

        # 12:00:00: D of both daily boards.
        assert rows(g.run(as_of=DUE))["leaderboards"] == 2
        got = read(g, "day_a", D, DUE)
        assert (got["status"], got["late"]) == ("final", 0), got
        # By hand: u3 5, u1 3, u2 2, u4 1 + 0, u5 -1; D0 had u2 4 (1st), u1 1 (2nd).
        hand = [
            N(1, "u3", "5"),
            N(2, "u1", "3", 2, "1"),
            N(3, "u2", "2", 1, "4"),
            N(4, "u4", "1"),
            N(5, "u5", "-1"),
        ]
        assert entries(got) == hand == want(EVENTS, "day_a", D, DUE)
        # Groups: US (u3, u1; D0's US group had u1 alone), (none) (u4, and u5 without a row).
        got = read(g, "day_a", D, DUE, group="US")
        assert entries(got) == [N(1, "u3", "5"), N(2, "u1", "3", 1, "1")]
        got = read(g, "day_a", D, DUE, group="(none)")
        assert entries(got) == [N(1, "u4", "1"), N(2, "u5", "-1")]
        for group in ("US", "NZ", "(none)", "XX"):
            got = read(g, "day_a", D, DUE, group=group)
            assert got["status"] == "final"
            assert entries(got) == want(EVENTS, "day_a", D, DUE, group)
        # xp: u5's -1 is cut to 0 (the total never goes below 0): no score.
        got = read(g, "day_xp", D, DUE)
        assert got["status"] == "final"
        hand = [N(1, "u3", "5"), N(2, "u1", "3", 2, "1"), N(3, "u2", "2", 1, "4"), N(4, "u4", "1")]
        assert entries(got) == hand == want(EVENTS, "day_xp", D, DUE)
        # D2 is provisional; streak and perpetual boards are never final.
        assert read(g, "day_a", D2, DUE)["status"] == "provisional"
        for key in ("ever_a", "streak_s"):
            got = read(g, key, None, DUE)
            assert (got["status"], got["late"]) == ("provisional", 0), got
            assert entries(got) == want(EVENTS, key, None, DUE)


def test_late_events_are_counted_and_never_applied(dsn: str, tmp_path: Path) -> None:
    with Gamify(cfg(), dsn) as g:
        ingest(g, tmp_path, "events", EVENTS)
        g.run(as_of=DUE)
        before = {key: entries(read(g, key, D, DUE)) for key in DAILY}
        for key in DAILY:  # final: the events present at finalization
            assert before[key] == want(EVENTS, key, D, DUE)

        ingest(g, tmp_path, "late", LATE, users=False)
        g.run(as_of=LATER)
        everything = (*EVENTS, *LATE)
        for key in DAILY:
            got = read(g, key, D, LATER)
            assert (got["status"], got["late"]) == ("final", 1), (key, got)
            assert entries(got) == before[key], key
            # Not vacuous: applied, u4's 10 would have put u4 first.
            live = want(everything, key, D, LATER)
            assert live[0].user_id == "u4" and entries(got) != live
        # D2 is live, and its previous rank/score are D's final ones: u4 was 4th with 1 (not
        # 1st with 11).
        for key in DAILY:
            got = read(g, key, D2, LATER)
            assert got["status"] == "provisional"
            assert entries(got) == [N(1, "u4", "1", 4, "1")], key
        # The week of 03-04 is live: the late event counts there (u4 1 + 0 + 10 + 1 = 12,
        # u3 5; the cap of 2 drops u1 3).
        got = read(g, "week_a", D, LATER)
        assert got["status"] == "provisional"
        assert (
            entries(got)
            == [N(1, "u4", "12"), N(2, "u3", "5")]
            == want(everything, "week_a", D, LATER)
        )
        # Another job run (nothing new) keeps the count at 1.
        g.run(as_of=LATER + timedelta(hours=1))
        for key in DAILY:
            got = read(g, key, D, LATER)
            assert (got["status"], got["late"], entries(got)) == ("final", 1, before[key])


def test_finalizing_again_changes_nothing(dsn: str, tmp_path: Path) -> None:
    with Gamify(cfg(), dsn) as g:
        ingest(g, tmp_path, "events", EVENTS)
        g.run(as_of=DUE)
        first = snapshot(g, DUE)
        assert [s["status"] for s in first[:6]] == ["final", "final", "provisional"] * 2
        assert rows(g.run(["leaderboards"], as_of=DUE)) == {"leaderboards": 0}
        assert snapshot(g, DUE) == first
        # an earlier as_of is refused; with full it runs, and reopens no final run
        with pytest.raises(jobs.AsOfRefused):
            g.run(["leaderboards"], as_of=BEFORE_DUE)
        assert snapshot(g, DUE) == first
        assert rows(g.run(["leaderboards"], as_of=BEFORE_DUE, full=True)) == {"leaderboards": 0}
        assert snapshot(g, DUE) == first
        assert rows(g.run(["leaderboards"], as_of=DUE, full=True)) == {"leaderboards": 0}
        assert snapshot(g, DUE) == first
        assert rows(g.run(as_of=DUE + timedelta(minutes=30)))["leaderboards"] == 0
        assert snapshot(g, DUE) == first


# --- a week of missed finalizations ---------------------------------------------------------------

ZONES = {"w1": "UTC", "w2": "America/New_York", "w3": "Asia/Tokyo", "w4": "Pacific/Pago_Pago"}
WEEK = date(2024, 3, 4)  # Monday; New York springs forward on Sunday 03-10


def week_events() -> list[AEvent]:
    """Each user, each local day of the week of 03-04: one event at local 10:00 (and one at
    local 23:30 on odd days), values giving ties, zeros and negatives."""
    out = []
    for k in range(7):
        day = WEEK + timedelta(days=k)
        for i, (user, zone) in enumerate(sorted(ZONES.items())):
            start = sref.first_instant(day, zone)
            value = (k * 3 + i * 2) % 5 - 1  # -1 .. 3
            out.append(
                AEvent(
                    user,
                    "a",
                    f"w{k}{i}",
                    Decimal(value),
                    sref.from_ms(start + 10 * 3_600_000),
                    zone,
                )
            )
            if k % 2:
                ts = sref.from_ms(start + 23 * 3_600_000 + 30 * 60_000)
                out.append(AEvent(user, "a", f"x{k}{i}", Decimal("1.5"), ts, zone))
    return out


def test_a_week_of_missed_finalizations_is_caught_up_in_one_run(dsn: str, tmp_path: Path) -> None:
    events = week_events()
    as_of = U("2024-03-11T12:00:00Z")  # 03-10 (daily) and the week of 03-04 are due now
    with Gamify(cfg(), dsn) as g:
        ingest(g, tmp_path, "events", events)
        g.run(["streaks", "achievements", "points"], as_of=as_of)
        # 7 runs of day_a, 7 of day_xp, 1 of week_a.
        assert rows(g.run(["leaderboards"], as_of=as_of)) == {"leaderboards": 15}
        checked = 0
        for k in range(7):
            day = WEEK + timedelta(days=k)
            for key in DAILY:
                for group in ("", "US", "(none)"):
                    if key == "day_xp" and group:
                        continue
                    got = read(g, key, day, as_of, group)
                    assert (got["status"], got["late"]) == ("final", 0), (key, day, got)
                    expected = want(events, key, day, as_of, group)
                    assert entries(got) == expected, (key, day, group)
                    checked += len(expected)
        got = read(g, "week_a", WEEK, as_of)
        assert got["status"] == "final"
        assert entries(got) == want(events, "week_a", WEEK, as_of)
        assert checked > 30
        # Nothing left to finalize.
        assert rows(g.run(["leaderboards"], as_of=as_of + timedelta(hours=3))) == {
            "leaderboards": 0
        }


def test_final_groups_keep_the_attributes_of_finalization(dsn: str, tmp_path: Path) -> None:
    with Gamify(cfg(), dsn) as g:
        ingest(g, tmp_path, "events", EVENTS)
        g.run(as_of=DUE)
        final = {grp: entries(read(g, "day_a", D, DUE, grp)) for grp in ("US", "JP", "(none)")}
        # As finalized: (none) holds u4 (no country) and u5 (no users row); nobody is in JP.
        assert final["(none)"] == [N(1, "u4", "1"), N(2, "u5", "-1")]
        assert final["JP"] == []
        # u4 moves to JP.
        moved = {**USERS, "u4": {"country": "JP"}}
        summary = g.ingest([], users=write_users(tmp_path / "moved.parquet", moved), now_ms=NOW_MS)
        assert summary.users_accepted == len(moved), summary
        g.run(as_of=LATER)
        for grp, was in final.items():
            got = read(g, "day_a", D, LATER, grp)
            assert (got["status"], entries(got)) == ("final", was), grp
        # D2 is live: u4 is read in JP now; its previous rank in JP comes from D's final JP
        # standings, where it was not.
        got = read(g, "day_a", D2, LATER, "JP")
        assert (got["status"], entries(got)) == ("provisional", [N(1, "u4", "1")])
        assert entries(read(g, "day_a", D2, LATER, "(none)")) == []


def test_final_runs_never_change_under_full_or_reingest(dsn: str, tmp_path: Path) -> None:
    """Entries, ranks, scores and `late` of a final run stay as they were: `late` is counted
    once, when late events arrive, and a recompute (`--full`, which rewrites the points
    ledger) or a re-sent file changes none of it (on main at 246bbf0 `--full` counted every
    ledger row of a final run as late)."""
    with Gamify(cfg(), dsn) as g:
        ingest(g, tmp_path, "events", EVENTS)
        g.run(as_of=DUE)
        ingest(g, tmp_path, "late", LATE, users=False)
        g.run(as_of=LATER)
        first = snapshot(g, LATER)
        assert [(s["status"], s["late"]) for s in first[:6]] == [
            ("final", 0),
            ("final", 1),
            ("provisional", 0),
        ] * 2
        g.run(as_of=LATER, full=True)
        assert snapshot(g, LATER) == first
        again = g.ingest([tmp_path / "late.parquet"], now_ms=NOW_MS)
        assert (again.accepted, again.duplicates) == (0, len(LATE))
        g.run(as_of=LATER + timedelta(hours=1))
        g.run(as_of=LATER + timedelta(hours=2), full=True)
        assert snapshot(g, LATER) == first


def test_nothing_finalizes_before_the_wall_clock_reaches_its_time(
    dsn: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An as-of past a run's finalization time does not finalize it while the wall clock is
    before that time: its events may still arrive."""
    from gamify_analytics import leaderboards

    monkeypatch.setattr(leaderboards.runs, "wall_clock", lambda: BEFORE_DUE)
    with Gamify(cfg(), dsn) as g:
        ingest(g, tmp_path, "events", EVENTS)
        g.run(as_of=LATER)
        for key in DAILY:
            got = read(g, key, D, LATER)
            assert got["status"] == "provisional", got
            assert read(g, key, D0, LATER)["status"] == "final"  # due by the wall clock too
        monkeypatch.setattr(leaderboards.runs, "wall_clock", lambda: DUE)
        g.run(as_of=LATER)
        for key in DAILY:
            got = read(g, key, D, LATER)
            assert got["status"] == "final", got
            assert entries(got) == want(EVENTS, key, D, DUE)
