"""What the achievements and points tests share (tests/test_achievements_property.py and
tests/test_achievements_jobs.py): the random scenario strategy (users with events of metrics
`a`/`b` around local midnights of zones with DST, a skipped day and travellers; configs with
every kind of achievement and points trigger), a Parquet writer, the fixed scenario, and
`observe`/`expect`, which read a store and the reference (`tests/reference/achievements.py`)
into one comparable `Outcome`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import polars as pl
from hypothesis import strategies as st

from gamify_analytics import config
from gamify_analytics.api import Gamify
from tests.reference import achievements as ref
from tests.reference import streaks as sref
from tests.reference.achievements import AEvent, Completion, LedgerRow, Total
from tests.reference.streak_cases import U

DAY_MS = 86_400_000


HOUR_MS = 3_600_000


@dataclass(frozen=True)
class Scenario:
    events: tuple[AEvent, ...]
    users: tuple[str, ...]
    raw: dict[str, Any]  # the config, as `config.parse` reads it
    as_of: datetime

    @property
    def config(self) -> config.Config:
        return config.parse(self.raw)


@st.composite
def event_lists(draw: st.DrawFn, prefix: str, max_users: int = 5) -> list[AEvent]:
    base = draw(BASE_DAYS)
    users = [f"{prefix}u{i}" for i in range(draw(st.integers(1, max_users)))]
    drafts: list[tuple[str, int, str]] = []  # user, ts, zone
    for user in users:
        home = draw(st.sampled_from(ZONES))
        day = draw(st.integers(0, 3))
        for _ in range(draw(st.integers(1, 15))):
            day += draw(st.sampled_from([0, 0, 1, 1, 1, 2, 3, 6, 7]))
            zone = draw(st.sampled_from(ZONES)) if draw(st.integers(0, 9)) < 3 else home
            if drafts and draw(st.integers(0, 4)) == 0:  # a tie with an earlier event
                ts = draw(st.sampled_from([d[1] for d in drafts]))
            else:
                ts = sref.first_instant(base + timedelta(days=day), zone) + draw(JITTER_MS)
            drafts.append((user, ts, zone))
    # Ids in a random order and unpadded ("e10" < "e9"), so ties are not broken by input order.
    ids = draw(st.permutations(range(len(drafts))))
    events = []
    for (user, ts, zone), k in zip(drafts, ids, strict=True):
        device = draw(DEVICE)
        events.append(
            AEvent(
                user,
                draw(METRIC),
                f"e{k}",
                Decimal(draw(VALUES)),
                sref.from_ms(ts),
                zone,
                () if device is None else (("device", device),),
            )
        )
    return events


def write_aevents(path: Path, events: list[AEvent] | tuple[AEvent, ...]) -> Path:
    """A Parquet file ingest accepts: value as exact decimal text, ts as epoch ms, one
    `attr.<name>` column per attribute name ("" when absent)."""
    names = sorted({k for e in events for k, _ in e.attributes} | {"device"})
    data: dict[str, list[Any]] = {
        "event_id": [e.event_id for e in events],
        "user_id": [e.user_id for e in events],
        "metric": [e.metric for e in events],
        "value": [format(e.value, "f") for e in events],
        "ts": [sref.to_ms(e.ts) for e in events],
        "tz": [e.tz for e in events],
    }
    schema = {k: pl.String for k in data} | {"ts": pl.Int64}
    for name in names:
        data[f"attr.{name}"] = [e.attribute(name) or "" for e in events]
        schema[f"attr.{name}"] = pl.String
    pl.DataFrame(data, schema=schema).write_parquet(path)
    return path


@st.composite
def metric_achievement(draw: st.DrawFn, key: str, filtered: bool | None = None) -> dict:
    out = {"key": key, "kind": "metric", "metric": draw(METRIC), "threshold": draw(THRESHOLDS)}
    if filtered if filtered is not None else draw(st.booleans()):
        out["filters"] = {"device": "ios"}
    return out


@st.composite
def config_raws(draw: st.DrawFn, sfx: str) -> dict[str, Any]:
    """A config whose every key ends in `sfx`."""
    achs: list[dict[str, Any]] = []
    for i in range(draw(st.integers(1, 2))):
        achs.append(draw(metric_achievement(f"m{i}{sfx}")))
    period = {
        "key": f"per{sfx}",
        "kind": "period",
        "metric": draw(METRIC),
        "threshold": draw(THRESHOLDS),
        "period": draw(st.sampled_from(["daily", "weekly", "monthly"])),
    }
    if draw(st.booleans()):
        period["filters"] = {"device": "ios"}
    achs.append(period)
    streak: dict[str, Any] = {
        "key": f"s{sfx}",
        "frequency": draw(st.sampled_from(["daily", "daily", "weekly"])),
        "conditions": draw(
            st.lists(
                st.fixed_dictionaries({"metric": METRIC, "threshold": STREAK_THRESHOLDS}),
                min_size=1,
                max_size=2,
            )
        ),
        "mode": draw(st.sampled_from(["all", "any"])),
    }
    if draw(st.integers(0, 3)) == 0:
        most = draw(st.integers(1, 2))
        streak["freezes"] = {
            "initial": draw(st.integers(0, most)),
            "max": most,
            "earn_every": draw(st.integers(0, 2)),
        }
    achs.append(
        {"key": f"st{sfx}", "kind": "streak", "streak": streak["key"], "length": draw(LENGTHS)}
    )
    plain = [a["key"] for a in achs]
    first = draw(st.lists(st.sampled_from(plain), min_size=2, max_size=2, unique=True))
    achs.append({"key": f"c1{sfx}", "kind": "composite", "requires": first})
    if draw(st.booleans()):
        other = draw(st.sampled_from([k for k in plain if k not in first] or plain))
        achs.append({"key": f"c2{sfx}", "kind": "composite", "requires": [f"c1{sfx}", other]})
    keys = [a["key"] for a in achs]
    points = [
        draw(points_system(f"p{i}{sfx}", keys, streak["key"]))
        for i in range(draw(st.integers(1, 2)))
    ]
    return {
        "metrics": [{"key": "a"}, {"key": "b"}],
        "streaks": [streak],
        "achievements": draw(st.permutations(achs)),  # composites may come before what they need
        "points": points,
    }


@st.composite
def as_of_instants(draw: st.DrawFn, events: list[AEvent]) -> datetime:
    """After every event (on the last one, or later), or in the middle of them."""
    last = max(sref.to_ms(e.ts) for e in events)
    if draw(st.integers(0, 2)) < 2:
        return sref.from_ms(last + draw(st.sampled_from([0, 1, HOUR_MS, 3 * DAY_MS, 40 * DAY_MS])))
    e = draw(st.sampled_from(events))
    return sref.from_ms(sref.to_ms(e.ts) + draw(st.sampled_from([0, 0, -1, 1, 6 * HOUR_MS])))


@dataclass(frozen=True)
class Outcome:
    completions: list[Completion]  # sorted by (achievement, user)
    ledger: list[LedgerRow]  # sorted by (system, user, ts, event_id, trigger)
    totals: list[Total]  # sorted by (system, user)


def expect(events, cfg: config.Config, as_of: datetime) -> Outcome:
    rows, totals = ref.ledger(events, cfg, as_of)
    return Outcome(ref.completions(events, cfg, as_of), rows, totals)


def completions_frame(g: Gamify, users) -> pl.DataFrame:
    return g.achievements().filter(pl.col("user_id").is_in(list(users)))


def ledger_frame(g: Gamify, users) -> pl.DataFrame:
    return g.ledger().filter(pl.col("user_id").is_in(list(users)))


def observe(g: Gamify, cfg: config.Config, users) -> Outcome:
    """The engine's stored results for `users` and the achievements/systems of `cfg`."""
    keys = [a.key for a in cfg.achievements]
    systems = [s.key for s in cfg.points]
    comp = completions_frame(g, users).filter(pl.col("achievement").is_in(keys))
    completions = sorted(
        (
            Completion(r["user_id"], r["achievement"], _utc(r["achieved_at"]), r["event_id"])
            for r in comp.iter_rows(named=True)
        ),
        key=lambda c: (c.achievement, c.user_id),
    )
    led = ledger_frame(g, users).filter(pl.col("system").is_in(systems))
    rows = sorted(
        (
            LedgerRow(
                r["user_id"],
                r["system"],
                int(r["trigger"]),
                r["source"],
                _utc(r["ts"]),
                r["event_id"],
                Decimal(r["requested"]),
                Decimal(r["points"]),
            )
            for r in led.iter_rows(named=True)
        ),
        key=lambda r: (r.system, r.user_id, r.ts, r.event_id, r.trigger),
    )
    pts = g.points().filter(pl.col("user_id").is_in(list(users)) & pl.col("system").is_in(systems))
    totals = sorted(
        (
            Total(r["user_id"], r["system"], Decimal(r["total"]), r["level"])
            for r in pts.iter_rows(named=True)
        ),
        key=lambda t: (t.system, t.user_id),
    )
    return Outcome(completions, rows, totals)


def check_ledger_columns(g: Gamify, events, users) -> None:
    """The ledger's `tz`/`local_date` are the event's, and `total` is the running sum of
    `points` per (system, user) in award order (the run, then `ts`, `event_id`, trigger: an
    award a later run makes comes after the earlier runs' ones; docs/achievements.md)."""
    where = {
        (e.user_id, e.event_id): (e.tz, sref.local_date(sref.to_ms(e.ts), e.tz)) for e in events
    }
    key = ["system", "user_id", "event_id", "trigger"]
    table = f"{g.engine.database}.points_ledger"
    runs = pl.from_arrow(
        g.engine.query_sql(f"SELECT DISTINCT {', '.join(key)}, seq FROM {table}", {})
    )
    assert isinstance(runs, pl.DataFrame)
    led = ledger_frame(g, users).with_columns(pl.col("trigger").cast(pl.Int64))
    led = led.join(runs.with_columns(pl.col("trigger").cast(pl.Int64)), on=key, validate="1:1")
    led = led.sort("system", "user_id", "seq", "ts", "event_id", "trigger")
    running: dict[tuple[str, str], Decimal] = {}
    for r in led.iter_rows(named=True):
        assert (r["tz"], r["local_date"]) == where[(r["user_id"], r["event_id"])], r
        k = (r["system"], r["user_id"])
        running[k] = running.get(k, Decimal(0)) + Decimal(r["points"])
        assert Decimal(r["total"]) == running[k], r


def assert_matches(got: Outcome, want: Outcome) -> None:
    assert got.completions == want.completions
    assert got.ledger == want.ledger
    assert got.totals == want.totals


def run_jobs(g: Gamify, as_of: datetime, *, full: bool = False) -> dict[str, int]:
    """Run the three jobs; rows reported per job."""
    return {r["job"]: r["rows"] for r in g.run(JOBS, as_of=as_of, full=full)}


def base_config() -> config.Config:
    return config.parse({"metrics": [{"key": "a"}, {"key": "b"}]})


def _e(
    eid: str,
    user: str,
    ts: str,
    value: str = "1",
    metric: str = "a",
    zone: str = "UTC",
    device: str | None = None,
) -> AEvent:
    return AEvent(
        user,
        metric,
        eid,
        Decimal(value),
        U(ts),
        zone,
        () if device is None else (("device", device),),
    )


FIXED_EVENTS = (
    # u1 in Tokyo (UTC+9): local days 03-01, 03-02, 03-03 (a daily streak of 3).
    _e("e1", "x_u1", "2024-02-29T15:30:00Z", "1", zone="Asia/Tokyo", device="ios"),
    _e("e2", "x_u1", "2024-03-01T15:00:00Z", "1.5", zone="Asia/Tokyo", device="ios"),
    _e("e10", "x_u1", "2024-03-01T15:00:00Z", "-0.5", metric="b", zone="Asia/Tokyo"),
    _e("e3", "x_u1", "2024-03-02T14:59:59.999Z", "2", zone="Asia/Tokyo", device="web"),
    _e("e4", "x_u1", "2024-03-03T02:00:00Z", "0.000001", metric="b", zone="Asia/Tokyo"),
    # u2 travels New York -> Lord Howe; ties on ts broken by id ("e20" < "e5").
    _e("e5", "x_u2", "2024-03-10T04:59:59.999Z", "-2", zone="America/New_York"),
    _e("e20", "x_u2", "2024-03-10T04:59:59.999Z", "4", zone="America/New_York", device="ios"),
    _e("e6", "x_u2", "2024-03-10T13:30:00Z", "3", zone="Australia/Lord_Howe", device="ios"),
    _e("e7", "x_u2", "2024-03-11T13:00:00Z", "1", metric="b", zone="Australia/Lord_Howe"),
    # u3: never enough.
    _e("e8", "x_u3", "2024-03-01T00:00:00Z", "0.5", device="web"),
)


FIXED_RAW = {
    "metrics": [{"key": "a"}, {"key": "b"}],
    "streaks": [
        {"key": "s", "frequency": "daily", "conditions": [{"metric": "a", "threshold": 0}]},
    ],
    "achievements": [
        {"key": "both", "kind": "composite", "requires": ["ios3", "st2"]},
        {
            "key": "ios3",
            "kind": "metric",
            "metric": "a",
            "threshold": 2.5,
            "filters": {"device": "ios"},
        },
        {"key": "day3", "kind": "period", "metric": "a", "threshold": 3, "period": "daily"},
        {"key": "st2", "kind": "streak", "streak": "s", "length": 2},
        {"key": "b0", "kind": "metric", "metric": "b", "threshold": 0},
    ],
    "points": [
        {
            "key": "xp",
            "max_points": 4,
            "triggers": [
                {"metric": "a", "points": 2, "per": 0.5},
                {"achievement": "both", "points": -3},
                {"streak": "s", "length": 1, "points": 1},
                {"metric": "b", "points": -1},
            ],
            "levels": [{"key": "one", "points": 1}, {"key": "four", "points": 4}],
        }
    ],
}


ZONES = ("America/New_York", "Asia/Tokyo", "Pacific/Apia", "Australia/Lord_Howe", "UTC")


JOBS = ["streaks", "achievements", "points"]


#: Days next to something: NY DST (2024-03-10, 2024-11-03), Lord Howe's 30-minute DST
#: (2024-04-07, 2024-10-06), Apia's skipped 2011-12-30, a leap day, a year end (weekly and
#: monthly boundaries), plus anywhere in 2024 (few months in all: the ledger is partitioned
#: by month, and each new system's first run deletes from every partition of the shared store).
BASE_DAYS = st.one_of(
    st.sampled_from(
        [
            date(2024, 3, 9),
            date(2024, 11, 2),
            date(2024, 4, 6),
            date(2024, 10, 5),
            date(2011, 12, 28),
            date(2024, 2, 27),
            date(2023, 12, 29),
        ]
    ),
    st.dates(date(2024, 1, 1), date(2024, 12, 31)),
)


JITTER_MS = st.one_of(
    st.sampled_from([0, 0, -1, 1, -60_000, 60_000, 30 * 60_000, -HOUR_MS, HOUR_MS]),
    st.sampled_from([6 * HOUR_MS, -6 * HOUR_MS, 11 * HOUR_MS, -11 * HOUR_MS]),
    st.integers(-DAY_MS // 2, DAY_MS // 2),
)


VALUES = st.one_of(
    st.sampled_from(["1", "1", "1", "2", "0.5", "1.5", "-1", "0", "0.1", "0.000001", "-0.25"]),
    st.sampled_from(["3", "-2.5", "0.333333", "5"]),
    st.integers(-3_000_000, 5_000_000).map(lambda m: format(Decimal(m).scaleb(-6), "f")),
)


METRIC = st.sampled_from(["a", "a", "b"])


DEVICE = st.sampled_from(["ios", "ios", "web", None])


THRESHOLDS = st.sampled_from([0, 0.5, 1, 1, 1.5, 2, 2, 2.5, 3, 5, -1, 0.000001])


STREAK_THRESHOLDS = st.sampled_from([0, 0.5, 1, 1, 1, 1.5, 2])


LENGTHS = st.sampled_from([1, 1, 2, 2, 3])


@st.composite
def points_system(draw: st.DrawFn, key: str, achievements: list[str], streak: str) -> dict:
    triggers: list[dict[str, Any]] = [
        {"metric": draw(METRIC), "points": draw(POINTS), "per": draw(st.sampled_from([1, 2, 0.5]))}
        for _ in range(draw(st.integers(1, 2)))
    ]
    triggers.append({"achievement": draw(st.sampled_from(achievements)), "points": draw(POINTS)})
    triggers.append({"streak": streak, "length": draw(LENGTHS), "points": draw(POINTS)})
    out: dict[str, Any] = {"key": key, "triggers": draw(st.permutations(triggers))}
    cap = draw(st.sampled_from([None, None, 2, 3, 5, 2.5, 10]))
    if cap is not None:
        out["max_points"] = cap
    levels = draw(st.lists(st.sampled_from([0, 1, 2, 2, 4, 5, 10]), max_size=3))
    if levels:
        out["levels"] = [{"key": f"l{j}", "points": p} for j, p in enumerate(levels)]
    return out


def _utc(t: datetime) -> datetime:
    return t.astimezone(UTC)


POINTS = st.sampled_from([1, 1, 2, 3, -1, -2, 0.5, 10])
