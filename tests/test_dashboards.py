"""Dashboards (docs/dashboards.md) on both engines: every panel equals a direct computation
in Python — from the raw events for what events determine (activity, retention, engagement,
qualifying streak periods, leaderboard participants), from the job outputs read through the
API for the rest (streak states, completions, the award ledger, final standings) — unfiltered
and under each filter; the CLI prints a dashboard as JSON and CSV."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path

import polars as pl
import pytest

from gamify_analytics import tz
from gamify_analytics.api import Gamify
from gamify_analytics.dashboards import NAMES, PANELS, Filters, freshness, query
from gamify_analytics.points import level_of
from gamify_analytics.synthetic import generate, write
from tests.helpers.cli import gamify
from tests.helpers.dashboards import AS_OF, CFG, END, NOW_MS, Data
from tests.helpers.stores import ENGINE_PARAMS, GOLDEN, StoreFactory
from tests.reference.leaderboards import run_key

# What each item depends on, written out by hand (the metric filter keeps these).
USES = {
    "daily": {"lessons"},
    "weekly": {"minutes", "quizzes"},
    "lessons_5": {"lessons"},
    "streak_3": {"lessons"},
    "both": {"lessons"},
    "quiz_day": {"quizzes"},
    "metric:lessons": {"lessons"},
    "achievement:lessons_5": {"lessons"},
    "streak:daily:3": {"lessons"},
    "day_lessons": {"lessons"},
    "week_xp": {"lessons"},
}
FILTERS = {
    "all": Filters(),
    "range": Filters(date_from=date(2024, 3, 20), date_to=date(2024, 4, 5)),
    "metric": Filters(metric="lessons"),
    "attribute": Filters(attributes=(("country", "US"),)),
    "combined": Filters(
        date_from=date(2024, 3, 25), metric="minutes", attributes=(("country", "AU"),)
    ),
}
MICRO = Decimal("0.000001")


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Data:
    """60 users over 30 days; local dates from the pinned tz database, row by row."""
    events, users = generate(60, 30, end=END, seed=5)
    files = write(events, users, tmp_path_factory.mktemp("dash") / "events.parquet")
    local = [
        datetime.fromtimestamp(ms / 1000, tz.zone(z)).date()
        for ms, z in zip(events["ts"], events["tz"], strict=True)
    ]
    exact = [Decimal(repr(v)).quantize(MICRO, ROUND_HALF_EVEN) for v in events["value"]]
    frame = events.select("user_id", "metric", "event_id", "ts").with_columns(
        value=pl.Series(exact, dtype=pl.Decimal(38, 6)), local_date=pl.Series(local)
    )
    return Data(frame, users.select("user_id", "country"), files)


@pytest.fixture(scope="module", params=ENGINE_PARAMS)
def g(
    request: pytest.FixtureRequest,
    chdb_root: Path,
    data: Data,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Gamify]:
    """One store per engine for the module: the events ingested, every job run."""
    stores = StoreFactory(request.param, chdb_root, tmp_path_factory.mktemp("dash"))
    with Gamify(CFG, stores.new()) as store:
        store.ingest([data.files[0]], users=data.files[1], now_ms=NOW_MS)
        store.run(as_of=AS_OF)
        yield store
    stores.drop()


# --- what the filters select, in Python ---------------------------------------------------------


def users_of(data: Data, f: Filters) -> set[str]:
    """Users the attribute filters keep (everyone with an event when there are none)."""
    keep = data.users
    for key, value in f.attributes:
        keep = keep.filter(pl.col(key) == value)
    ids = set(keep["user_id"]) if f.attributes else set(data.events["user_id"])
    return ids


def scoped(data: Data, f: Filters, by_metric: bool = True) -> pl.DataFrame:
    """The raw events of the selected users (and metric), any date."""
    ev = data.events.filter(pl.col("user_id").is_in(users_of(data, f)))
    return ev.filter(pl.col("metric") == f.metric) if by_metric and f.metric else ev


def span(data: Data, f: Filters) -> tuple[date, date]:
    return (
        f.date_from or data.events["local_date"].min(),  # type: ignore[return-value]
        f.date_to or data.events["local_date"].max(),
    )


def days(lo: date, hi: date) -> list[date]:
    return [lo + timedelta(n) for n in range((hi - lo).days + 1)]


def kept(f: Filters, item: str) -> bool:
    return f.metric is None or f.metric in USES[item]


def check(got: dict[str, pl.DataFrame], name: str) -> None:
    """Every panel, sorted by its key."""
    assert list(got) == list(PANELS[name])
    for panel, frame in got.items():
        key = PANELS[name][panel]["key"]
        assert frame.sort(key, nulls_last=False).equals(frame), (name, panel)


FID = pytest.mark.parametrize("fid", FILTERS)


# --- from the raw events ------------------------------------------------------------------------


@FID
def test_overview(g: Gamify, data: Data, fid: str) -> None:
    f = FILTERS[fid]
    got = g.dashboard("overview", f)
    check(got, "overview")
    ev, (lo, hi) = scoped(data, f), span(data, f)
    active = set(ev.select("user_id", "local_date").iter_rows())

    def n(day: date, window: int) -> int:
        return len({u for u, d in active if day - timedelta(window - 1) <= d <= day})

    expected = [(d, n(d, 1), n(d, 7), n(d, 30)) for d in days(lo, hi)]
    assert got["active_users"].rows() == expected
    per_metric = (
        ev.filter(pl.col("local_date").is_between(lo, hi))
        .group_by("local_date", "metric")
        .agg(pl.col("user_id").n_unique(), pl.len(), pl.col("value").sum())
        .sort("local_date", "metric")
    )
    assert got["events_per_metric"].rows() == per_metric.rows()
    if fid != "all":  # a filter changes what is counted
        assert (
            got["events_per_metric"].rows() != g.dashboard("overview")["events_per_metric"].rows()
        )


@FID
def test_retention(g: Gamify, data: Data, fid: str) -> None:
    f = FILTERS[fid]
    got = g.dashboard("retention", f)
    check(got, "retention")
    ev, (lo, hi) = scoped(data, f), span(data, f)
    ev = ev.filter(pl.col("local_date") <= hi)
    first = dict(ev.group_by("user_id").agg(pl.col("local_date").min()).iter_rows())
    active = set(ev.select("user_id", "local_date").iter_rows())
    cohorts: dict[date, set[str]] = defaultdict(set)
    for user, day in first.items():
        if day >= lo:
            cohorts[day].add(user)
    rows, pooled = [], defaultdict(lambda: [0, 0])
    for cohort in sorted(cohorts):
        for offset in range(min(30, (hi - cohort).days) + 1):
            back = sum((u, cohort + timedelta(offset)) in active for u in cohorts[cohort])
            rows.append((cohort, offset, len(cohorts[cohort]), back))
            pooled[offset][0] += len(cohorts[cohort])
            pooled[offset][1] += back
    assert got["cohorts"].select("cohort", "day_offset", "users", "retained").rows() == rows
    assert got["cohorts"]["retained_pct"].to_list() == pytest.approx(
        [100 * r[3] / r[2] for r in rows]
    )
    curve = [(k, n, r) for k, (n, r) in sorted(pooled.items())]
    assert got["curve"].select("day_offset", "users", "retained").rows() == curve
    assert got["curve"]["retained_pct"].to_list() == pytest.approx(
        [100 * r / n for _, n, r in curve]
    )


@FID
def test_engagement(g: Gamify, data: Data, fid: str) -> None:
    f = FILTERS[fid]
    got = g.dashboard("engagement", f)
    check(got, "engagement")
    lo, hi = span(data, f)
    ev = scoped(data, f).filter(pl.col("local_date").is_between(lo, hi))
    daily = ev.group_by("local_date").agg(pl.col("user_id").n_unique(), pl.len()).sort("local_date")
    assert got["daily"].select("day", "active_users", "events").rows() == daily.rows()
    assert got["daily"]["events_per_user"].to_list() == pytest.approx(
        [e / u for _, u, e in daily.rows()]
    )
    per_user = ev.group_by("user_id").agg(
        pl.col("local_date").n_unique().alias("d"), pl.col("metric").n_unique().alias("m")
    )
    for panel, column in (("active_days", "d"), ("metrics_per_user", "m")):
        expected = sorted(Counter(per_user[column].to_list()).items())
        assert got[panel].rows() == expected


# --- from the job outputs -----------------------------------------------------------------------


def period_key(day: date, frequency: str) -> date:
    return day - timedelta(day.weekday()) if frequency == "weekly" else day


@FID
def test_streaks(g: Gamify, data: Data, fid: str) -> None:
    f = FILTERS[fid]
    got = g.dashboard("streaks", f)
    check(got, "streaks")
    users, (lo, hi) = users_of(data, f), span(data, f)
    ev = scoped(data, f, by_metric=False)
    summary, lengths, daily = [], [], []
    for s in CFG.streaks:
        if not kept(f, s.key):
            continue
        state = g.streaks(s.key, as_of=AS_OF).filter(pl.col("user_id").is_in(users))
        alive = state.filter(pl.col("status").is_in(["active", "at_risk"]))
        history = g.streak_history(s.key, as_of=AS_OF).filter(pl.col("user_id").is_in(users))
        status = Counter(state["status"].to_list())
        summary.append(
            (
                s.key,
                AS_OF,
                state.height,
                *(status[k] for k in ("active", "at_risk", "broken", "none")),
                pytest.approx(alive["length"].mean() or 0.0),
                alive["length"].max() or 0,
                state["longest"].max() or 0,
                int(history["used_freeze"].sum()),
            )
        )
        lengths += [(s.key, n, c) for n, c in sorted(Counter(alive["length"].to_list()).items())]
        sums: dict[tuple[str, date], Counter[str]] = defaultdict(Counter)
        for user, metric, value, day in ev.select(
            "user_id", "metric", "value", "local_date"
        ).rows():
            sums[(user, period_key(day, s.frequency))][metric] += value
        met = Counter(
            key
            for (_, key), total in sums.items()
            if (all if s.mode == "all" else any)(
                total[c.metric] >= Decimal(str(c.threshold)) for c in s.conditions
            )
            and period_key(lo, s.frequency) <= key <= hi
        )
        daily += [(s.key, key, n) for key, n in sorted(met.items())]
    assert got["summary"].rows() == summary
    assert got["lengths"].rows() == lengths
    assert got["daily"].rows() == daily


@FID
def test_achievements(g: Gamify, data: Data, fid: str) -> None:
    f = FILTERS[fid]
    got = g.dashboard("achievements", f)
    check(got, "achievements")
    users, (lo, hi) = users_of(data, f), span(data, f)
    local = {
        (u, e): d for u, e, d in data.events.select("user_id", "event_id", "local_date").rows()
    }
    done = [
        (local[(u, e)], a)
        for u, a, e in g.achievements().select("user_id", "achievement", "event_id").rows()
        if u in users and kept(f, a)
    ]
    per_day = Counter((d, a) for d, a in done if lo <= d <= hi)
    assert got["completions"].rows() == [(d, a, n) for (d, a), n in sorted(per_day.items())]
    active = scoped(data, f, by_metric=False).filter(pl.col("local_date") <= hi)["user_id"]
    n_active = active.n_unique()
    by_then = Counter(a for d, a in done if d <= hi)
    rarity = [
        (a.key, by_then[a.key], n_active, 100 * by_then[a.key] / n_active)
        for a in sorted(CFG.achievements, key=lambda a: a.key)
        if kept(f, a.key)
    ]
    assert got["rarity"].rows() == [(*r[:3], pytest.approx(r[3])) for r in rarity]


@FID
def test_points(g: Gamify, data: Data, fid: str) -> None:
    f = FILTERS[fid]
    got = g.dashboard("points", f)
    check(got, "points")
    users, (lo, hi) = users_of(data, f), span(data, f)
    system = CFG.points[0]
    labels = ["metric:lessons", "achievement:lessons_5", "streak:daily:3"]
    ledger = g.ledger().filter(pl.col("user_id").is_in(users)).sort("ts", "event_id", "trigger")
    awarded: dict[tuple, list] = defaultdict(lambda: [Decimal(0), 0])
    last: dict[str, Decimal] = {}
    for row in ledger.iter_rows(named=True):
        label = labels[row["trigger"]]
        if lo <= row["local_date"] <= hi and kept(f, label):
            awarded[(row["local_date"], "xp", label)][0] += row["points"]
            awarded[(row["local_date"], "xp", label)][1] += 1
        if row["local_date"] <= hi:
            last[row["user_id"]] = row["total"]
    assert got["awarded"].rows() == [k + tuple(v) for k, v in sorted(awarded.items())]
    levels = Counter(level_of(system, total) for total in last.values())
    assert got["levels"].rows() == [
        ("xp", lv.key, Decimal(str(lv.points)), levels[lv.key]) for lv in system.levels
    ]


@FID
def test_leaderboards(g: Gamify, data: Data, fid: str) -> None:
    f = FILTERS[fid]
    got = g.dashboard("leaderboards", f)
    check(got, "leaderboards")
    users, (lo, hi) = users_of(data, f), span(data, f)
    ledger = g.ledger()
    contributions = {
        "day_lessons": data.events.filter(pl.col("metric") == "lessons").select(
            "user_id", "local_date", "value"
        ),
        "week_xp": ledger.select("user_id", "local_date", pl.col("points").alias("value")),
    }
    runs, scores, changes = [], defaultdict(list), []
    for board in CFG.leaderboards[:2]:
        if not kept(f, board.key):
            continue
        totals: dict[date, Counter] = defaultdict(Counter)
        for user, day, value in contributions[board.key].rows():
            totals[run_key(day, board.period)][user] += value
        for run in sorted(totals):
            standing = g.leaderboard(board.key, run=run, as_of=AS_OF)
            if standing["status"] != "final" or not run_key(lo, board.period) <= run <= hi:
                continue
            entries = [e for e in standing["entries"] if e["user_id"] in users]
            participants = sum(v != 0 for v in totals[run].values())
            runs.append((board.key, run, participants, 0, len(entries)))
            scores[board.key] += [e["score"] for e in entries]
            prev = [e["previous_rank"] for e in entries]
            ranks = [e["rank"] for e in entries]
            moves = [(p or 0) - r for p, r in zip(prev, ranks, strict=True) if p is not None]
            up, down = sum(m > 0 for m in moves), sum(m < 0 for m in moves)
            if entries:  # runs without an entry of the selected users are left out
                changes.append(
                    (board.key, run, len(entries), prev.count(None), up, down, moves.count(0))
                )
    assert got["runs"].drop("finalized_at").rows() == runs
    assert got["rank_changes"].rows() == changes
    histogram = []
    for board, values in sorted(scores.items()):
        if not values:
            continue
        micros = [int(v * 10**6) for v in values]
        width = round_width(micros, 10)
        first = min(micros) // width
        bins = Counter(m // width - first for m in micros)
        n = max(micros) // width - first + 1
        histogram += [(board, b, float((first + b) * width) / 10**6, bins[b]) for b in range(n)]
    got_bins = got["scores"].select("board", "bin", "lower", "entries").rows()
    assert got_bins == histogram


def round_width(micros: list[int], bins: int) -> int:
    """The histogram's bin width in micro-units: the narrowest 1, 2 or 5 × 10^k (at least one
    whole unit when every score is whole) whose multiples cover the scores in `bins` bins."""
    fractional = any(m % 10**6 for m in micros)
    for width in (m * 10**k for k in range(37) for m in (1, 2, 5)):
        if (fractional or width >= 10**6) and max(micros) // width - min(micros) // width < bins:
            return width
    raise AssertionError("no width fits")


# --- contract, freshness, CLI -------------------------------------------------------------------


def test_every_dashboard_and_panel_is_described(g: Gamify) -> None:
    assert tuple(PANELS) == NAMES
    for name in NAMES:
        for panel, frame in g.dashboard(name).items():
            meta = PANELS[name][panel]
            columns = [meta["x"]["column"], *(a["column"] for a in meta["y"]), *meta["key"]]
            columns += meta["series"] + ([meta["value"]["column"]] if "value" in meta else [])
            assert set(columns) <= set(frame.columns), (name, panel)
            assert all(a["unit"] and a["title"] for a in [meta["x"], *meta["y"]])


def test_unknown_names_and_bad_filters_are_errors(g: Gamify) -> None:
    with pytest.raises(ValueError, match="unknown dashboard 'nope' \\(dashboards: overview, "):
        g.dashboard("nope")
    with pytest.raises(ValueError, match="has no panel 'x' \\(panels: active_users, "):
        g.dashboard("overview", panels=["x"])
    with pytest.raises(ValueError, match="unknown metric 'zz'"):
        g.dashboard("overview", Filters(metric="zz"))
    with pytest.raises(ValueError, match="starts \\(2024-04-02\\) after it ends"):
        g.dashboard("overview", Filters(date_from=date(2024, 4, 2), date_to=date(2024, 4, 1)))
    only = query(g.engine, g.config, "overview", panels=["active_users"])
    assert list(only) == ["active_users"]


def test_freshness(g: Gamify, data: Data) -> None:
    got = freshness(g.engine)
    assert (got["first_day"], got["last_day"]) == span(data, Filters())
    newest = int(data.events["ts"].max())  # type: ignore[arg-type]
    assert got["newest_event_ts"] == datetime.fromtimestamp(newest / 1000, UTC)
    assert got["newest_ingested_at"] is not None
    assert set(got["jobs"]) == {"streaks", "achievements", "points", "leaderboards", "dashboards"}
    assert all(j["as_of"] == AS_OF and j["finished"] >= j["as_of"] for j in got["jobs"].values())


def test_cli_prints_json_and_csv(tmp_path: Path) -> None:
    """The golden events.csv rows (fixtures/golden/expected_events.csv): on local date
    2024-03-10 alice's lessons g1 (1) and g3 (0.0000005, stored as 0); on 2024-04-07 dave's g9
    and erin's g10, and within the 30 days before alice's, bob's, dave's. Only alice is a US
    user."""
    base = ["--config", str(GOLDEN / "config.toml"), "--dsn", f"duckdb://{tmp_path / 'g.duckdb'}"]
    files = [str(GOLDEN / "events.csv"), "--users", str(GOLDEN / "users.csv")]
    assert gamify(*base, "ingest", *files, cwd=tmp_path).returncode == 0
    assert gamify(*base, "run", "--as-of", "2024-05-01T00:00:00Z", cwd=tmp_path).returncode == 0
    window = ["--from", "2024-03-01", "--to", "2024-04-30"]
    r = gamify(*base, "dashboard", "overview", *window, "--format", "json", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert (doc["dashboard"], doc["as_of"]) == ("overview", "2024-05-01T00:00:00.000Z")
    assert doc["filters"] == {
        "from": "2024-03-01",
        "to": "2024-04-30",
        "metric": None,
        "attributes": {},
    }
    rows = {(x["day"], x["metric"]): x for x in doc["panels"]["events_per_metric"]}
    assert rows[("2024-03-10", "lessons")] == {
        "day": "2024-03-10",
        "metric": "lessons",
        "users": 1,
        "events": 2,
        "value": 1,  # a JSON number: decimals print as their shortest exact text
    }
    active = {x["day"]: (x["dau"], x["wau"], x["mau"]) for x in doc["panels"]["active_users"]}
    assert active["2024-04-07"] == (2, 2, 4)
    r = gamify(
        *base,
        "dashboard",
        "overview",
        *window,
        "--attr",
        "country=US",
        "--panel",
        "events_per_metric",
        "--format",
        "csv",
        cwd=tmp_path,
    )
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == [
        "day,metric,users,events,value",
        "2024-03-09,lessons,1,1,2",
        "2024-03-10,lessons,1,2,1",
        "2024-03-11,minutes,1,1,5",
    ]
    r = gamify(*base, "dashboard", "overview", "--format", "csv", cwd=tmp_path)
    assert r.returncode != 0 and "pass --panel (active_users, events_per_metric)" in r.stderr


def test_score_bins_have_round_edges(dsn: str, tmp_path: Path) -> None:
    """Hand-checked: final scores -20, 71, 162 and 890 on one daily board fall into bins 100
    wide from -100 (50 wide would need 19 bins), one entry each in [-100, 0), [0, 100),
    [100, 200) and [800, 900)."""
    events = tmp_path / "events.csv"
    events.write_text(
        "user_id,metric,value,ts\n"
        + "".join(
            f"u{i},lessons,{v},2024-03-10T12:00:00Z\n" for i, v in enumerate((-20, 71, 162, 890))
        )
    )
    with Gamify(GOLDEN / "full.toml", dsn) as g:
        g.ingest([events])
        g.run(as_of=datetime(2024, 3, 20, tzinfo=UTC))
        day = Filters(date_from=date(2024, 3, 10), date_to=date(2024, 3, 10))
        bins = g.dashboard("leaderboards", day, panels=["scores"])["scores"]
    assert bins["lower"].to_list() == [float(x) for x in range(-100, 900, 100)]
    assert bins["upper"].to_list() == [float(x) for x in range(0, 1000, 100)]
    assert bins["entries"].to_list() == [1, 1, 1, 0, 0, 0, 0, 0, 0, 1]
