"""Fault injection (issue #7): a store whose ingests and jobs are killed with SIGKILL at random
points, each step then re-run to completion, ends up identical to a store that ran the same
steps without interruption: every derived table, and every read the API serves from them.

The sequence, on each engine: ingest file A (with the users file), run each job as of T1
(streaks, achievements, points, leaderboards, dashboards: one step each), ingest file B (new
days, late events of days already final, events re-sent), each job as of T2, then a recompute
(`--full`) of streaks, of achievements and of points as of T2. T1 and T2 fall inside the data,
so events after them are stored (as-of reads must skip them).

The reference store runs the steps in this process (`Gamify`), recording each step's duration
and when each engine call (every statement passes through one) started and ended. The faulty
store runs every step as a `gamify` subprocess, killed with SIGKILL at each of the step's kill
points in turn, then once more to completion (an attempt that finishes completes the step; a
killed recompute is completed by the next scheduled run, without `--full`). Kill points
(`_kills`): `KILLS[kind]` instants drawn uniformly from the step's clean duration (for a
recompute, from its first delete on); for an ingest also inside its first insert of events,
before its insert of dedup keys (ClickHouse) and right after the batch is stored.

An instant is turned into a position in the work, the engine call running then (or the next
one) and how far into it, and the subprocess kills itself there (`DRIVER`): kills land where
the clean run was at that instant however slowly this busy machine runs the subprocess, and
are reproducible. The draws come from a seeded generator (`GAMIFY_FAULT_SEED`;
`GAMIFY_FAULT_KILLS=N` for N random kills of every step in a longer soak); the failure message
lists every kill (`-s` prints them on success too).

Compared after the last step, sorted, without the columns that legitimately differ between
runs (ingest and build times, row versions, run ids, snapshot ids, watermarks; job sequence
numbers as their order only, and job totals as their latest value, since a run killed after it
committed runs once more): events, the dedup index, users, rejects, per-day aggregates, tz
days, streak chains, progress, completions, milestones, the points ledger (as stored:
leaderboards sum it without deduplication), final standings and their status rows, the
provisional snapshots the status rows point at, the newest dashboard rollups, the jobs'
committed state, and the API's reads (dashboards with and without rollups, standings, stored
streaks, points totals).
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from gamify_analytics import dashboards, leaderboards, periods, points, streaks, watermarks
from gamify_analytics.api import Gamify
from gamify_analytics.config import Config, load
from gamify_analytics.dashboards import rollups as dashboard_rollups
from gamify_analytics.engines import Engine
from gamify_analytics.engines import dsn as dsns
from gamify_analytics.engines.clickhouse import ClickHouseEngine
from gamify_analytics.engines.duckdb import DuckDBEngine
from gamify_analytics.synthetic import generate, write
from tests.helpers.rules import RULES
from tests.helpers.stores import ENGINE_PARAMS

ROOT = Path(__file__).resolve().parents[1]
#: The engine methods every statement passes through: the unit of a kill's position.
HOOKED = ("run_sql", "query_sql", "insert")
#: `gamify` with a fault armed by `GAMIFY_FAULT_AT="WHERE:S"`: SIGKILL S seconds into an engine
#: call (before it when S is 0), WHERE naming the call: its number N (counting the calls of
#: `HOOKED`, as `_profiled` does in the reference run), `insert TABLE` (the first insert into
#: TABLE), or `after insert_events` (the first call after the engine's `insert_events` returns).
DRIVER = f"""
import os, signal, threading
from gamify_analytics import cli
from gamify_analytics.engines.clickhouse import ClickHouseEngine
from gamify_analytics.engines.duckdb import DuckDBEngine

where, after = os.environ["GAMIFY_FAULT_AT"].rsplit(":", 1)
state = {{"calls": 0, "armed": True, "next": False}}

def kill():
    os.kill(os.getpid(), signal.SIGKILL)

def counted(method, name):
    def call(self, *args, **kwargs):
        state["calls"] += 1
        what = "insert " + args[0] if name == "insert" else ""
        if state["next"] or (state["armed"] and where in (str(state["calls"]), what)):
            state["armed"] = state["next"] = False
            if float(after) <= 0:
                kill()
            timer = threading.Timer(float(after), kill)
            timer.daemon = True  # a process that finishes first has completed the step
            timer.start()
        return method(self, *args, **kwargs)
    return call

def then_next(method):
    def call(self, *args, **kwargs):
        result = method(self, *args, **kwargs)
        if state["armed"] and where == "after insert_events":
            state["armed"], state["next"] = False, True
        return result
    return call

for cls in (ClickHouseEngine, DuckDBEngine):
    for name in {HOOKED!r}:
        setattr(cls, name, counted(vars(cls)[name], name))
    cls.insert_events = then_next(cls.insert_events)
cli.run()
"""
SEED = int(os.environ.get("GAMIFY_FAULT_SEED", "7"))
#: Kills at random instants per step, by kind (ingests also get targeted ones: `_kills`);
#: `GAMIFY_FAULT_KILLS` sets them all.
KILLS = {"ingest": 1, "run": 1, "full": 1}
if os.environ.get("GAMIFY_FAULT_KILLS"):
    KILLS = dict.fromkeys(KILLS, int(os.environ["GAMIFY_FAULT_KILLS"]))
ENGINE_CLASSES = (ClickHouseEngine, DuckDBEngine)
JOBS = ("streaks", "achievements", "points", "leaderboards", "dashboards")
#: The jobs whose `--full` clears what it recomputes (the last steps).
RECOMPUTED = ("streaks", "achievements", "points")
END = date(2024, 4, 10)
#: A step of this size takes a second or two; much longer means a hang (or a runaway plan).
STEP_TIMEOUT = 120.0

CONFIG = (
    RULES
    + """
[[leaderboards]]
key = "day_lessons"
rank_by = "metric:lessons"
period = "daily"
breakdown = ["country"]
max_participants = 5

[[leaderboards]]
key = "week_xp"
rank_by = "points:xp"
period = "weekly"
max_participants = 20

[[leaderboards]]
key = "all_minutes"
rank_by = "metric:minutes"
period = "perpetual"
max_participants = 10

[[leaderboards]]
key = "streaky"
rank_by = "streak:daily"
max_participants = 10
"""
)


# --- the data and the steps -----------------------------------------------------------------


@dataclass(frozen=True)
class Data:
    config_path: Path
    config: Config
    a: Path
    b: Path
    users: Path
    t1: datetime
    t2: datetime


@dataclass(frozen=True)
class Step:
    """One ingest (`files`, `users`), or jobs as of an instant (`full`: recomputed)."""

    name: str
    files: tuple[Path, ...] = ()
    users: Path | None = None
    jobs: tuple[str, ...] = ()
    as_of: datetime | None = None
    full: bool = False

    @property
    def kind(self) -> str:
        return "ingest" if self.files else "full" if self.full else "run"

    def in_process(self, g: Gamify) -> None:
        if self.files:
            g.ingest(list(self.files), users=self.users)
        else:
            g.run(list(self.jobs), as_of=self.as_of, full=self.full)

    def cli(self, completion: bool = False) -> list[str]:
        """The `gamify` command; `completion`: the one that completes a killed step, which for
        a recompute is the next scheduled (incremental) run, not the recompute again."""
        if self.files:
            users = ["--users", str(self.users)] if self.users else []
            return ["ingest", *map(str, self.files), *users]
        assert self.as_of is not None
        iso = self.as_of.isoformat().replace("+00:00", "Z")
        full = ["--full"] if self.full and not completion else []
        return ["run", *self.jobs, "--as-of", iso, "--wait", *full]


def _max_ts(frame: pl.DataFrame) -> datetime:
    """The latest `ts` of the generated rows, leaving out malformed ones (text there, or an
    instant out of range)."""
    parsed = frame.get_column("ts").str.to_datetime(
        "%Y-%m-%dT%H:%M:%S%.fZ", time_zone="UTC", strict=False
    )
    end = datetime(END.year, END.month, END.day, tzinfo=UTC) + timedelta(days=1)
    latest = parsed.filter(parsed < end).max()
    assert isinstance(latest, datetime)
    return latest


def make_data(root: Path) -> Data:
    """100 users over 16 days, with duplicates and malformed rows. A: the first 65 % of the rows
    by time, less every 37th (held back: late arrivals); B: the rest, the held-back rows and
    every 41st row of A again (re-sent duplicates). T1 and T2: 8 hours before A's and B's last
    event."""
    events, users = generate(100, 16, end=END, seed=SEED, duplicates=0.02, malformed=0.01)
    cut = int(events.height * 0.65)
    first = events.slice(0, cut).with_row_index("_i")
    late = first.filter(pl.col("_i") % 37 == 5).drop("_i")
    resent = first.filter(pl.col("_i") % 41 == 3).drop("_i")
    a_rows = first.filter(pl.col("_i") % 37 != 5).drop("_i")
    b_rows = pl.concat([events.slice(cut), late, resent])
    a, users_path = write(a_rows, users, root / "a.parquet")
    b = root / "b.csv"
    b_rows.write_csv(b)
    config_path = root / "gamify.toml"
    config_path.write_text(CONFIG)
    t1 = _max_ts(a_rows).replace(microsecond=0) - timedelta(hours=8)
    t2 = _max_ts(b_rows).replace(microsecond=0) - timedelta(hours=8)
    return Data(config_path, load(config_path), a, b, users_path, t1, t2)


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Data:
    return make_data(tmp_path_factory.mktemp("faults"))


def steps(data: Data) -> list[Step]:
    out = [Step("ingest A", (data.a,), data.users)]
    out += [Step(f"{j} @T1", jobs=(j,), as_of=data.t1) for j in JOBS]
    out += [Step("ingest B", (data.b,))]
    out += [Step(f"{j} @T2", jobs=(j,), as_of=data.t2) for j in JOBS]
    out += [Step(f"{j} --full @T2", jobs=(j,), as_of=data.t2, full=True) for j in RECOMPUTED]
    return out


# --- where to kill, and running steps in a subprocess ---------------------------------------


@dataclass(frozen=True)
class Call:
    """One engine call of a clean step: seconds from the step's start, and what it did."""

    start: float
    end: float
    what: str


@dataclass(frozen=True)
class Profile:
    """A clean step: how long it took, and its engine calls in the order they were made."""

    seconds: float
    calls: list[Call]


@contextlib.contextmanager
def _profiled(calls: list[Call]) -> Iterator[None]:
    """Record every engine call made in the block (the calls `DRIVER` counts)."""
    t0 = time.monotonic()

    def timed(method: Callable[..., Any], name: str) -> Callable[..., Any]:
        def call(self: Engine, *args: Any, **kwargs: Any) -> Any:
            start = time.monotonic() - t0
            try:
                return method(self, *args, **kwargs)
            finally:
                what = f"insert {args[0]}" if name == "insert" else " ".join(args[0].split()[:6])
                calls.append(Call(start, time.monotonic() - t0, what))

        return call

    saved = [(cls, name, vars(cls)[name]) for cls in ENGINE_CLASSES for name in HOOKED]
    for cls, name, method in saved:
        setattr(cls, name, timed(method, name))
    try:
        yield
    finally:
        for cls, name, method in saved:
            setattr(cls, name, method)
        calls.sort(key=lambda c: c.start)


@dataclass(frozen=True)
class Kill:
    """Kill the process `after` seconds into the engine call `where` names (see `DRIVER`)."""

    where: str
    after: float
    why: str

    @property
    def env(self) -> str:
        return f"{self.where}:{self.after:.6f}"


def _at(profile: Profile, instant: float) -> Kill:
    """Where the clean step was `instant` seconds after it started: in the call running then,
    or before the next one (Python work between calls writes nothing). Past the last call:
    a position never reached (the step completes)."""
    for i, c in enumerate(profile.calls, 1):
        if c.end > instant:
            why = f"{instant:.3f} s of {profile.seconds:.3f}: call {i}, {c.what}"
            return Kill(str(i), max(0.0, instant - c.start), why)
    return Kill(str(len(profile.calls) + 1), 0.0, f"{instant:.3f} s, after the last call")


def _kills(step: Step, profile: Profile, rng: random.Random) -> list[Kill]:
    """The step's kill points. An ingest: inside its first insert of events (on ClickHouse the
    insert writes events and daily_metrics, each part committed on its own), before its
    insert of dedup keys (ClickHouse), right after the batch's events are stored, then at
    random instants. A recompute: at a random instant from its first delete on (what it
    recomputes goes first; before that it is a run that has done nothing). Other jobs: random
    instants. Only the first attempt follows the clean run's path: later ones start from what
    a killed one left, so the targeted kills name their call, not its number."""
    kills = []
    if step.kind == "ingest":
        c = next(c for c in profile.calls if c.what == "insert events")
        kills.append(Kill("insert events", rng.uniform(0, c.end - c.start), "inside it"))
        if any(c.what == "insert event_keys_in" for c in profile.calls):
            kills.append(Kill("insert event_keys_in", 0.0, "before the batch's dedup keys"))
        kills.append(Kill("after insert_events", 0.0, "the batch's events stored"))
    start = 0.0
    if step.kind == "full":
        start = next(c.start for c in profile.calls if c.what.startswith("DELETE"))
    kills += [_at(profile, rng.uniform(start, profile.seconds)) for _ in range(KILLS[step.kind])]
    return kills


def _attempt(
    step: Step, data: Data, dsn: str, kill: Kill | None, stderr: Path
) -> tuple[bool, float]:
    """Run the step as a `gamify` subprocess, killed at `kill`: whether it was killed (else it
    finished), and how long it ran."""
    cmd = [sys.executable, "-c", DRIVER, "--config", str(data.config_path), "--dsn", dsn]
    env = {**os.environ, "GAMIFY_FAULT_AT": kill.env if kill else "never:0"}
    started = time.monotonic()
    with stderr.open("ab") as err:
        err.write(f"--- {step.name}, kill {kill}\n".encode())
        err.flush()
        done = subprocess.run(
            [*cmd, *step.cli(completion=kill is None)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=err,
            timeout=STEP_TIMEOUT,
            check=False,
        )
    took = time.monotonic() - started
    if done.returncode == -signal.SIGKILL:
        return True, took
    if done.returncode != 0:
        tail = stderr.read_text(errors="replace")[-3000:]
        raise AssertionError(f"{step.name} failed (exit {done.returncode}):\n{tail}")
    return False, took


# --- what is compared -----------------------------------------------------------------------


def _table(
    engine: Engine, table: str, drop: tuple[str, ...] = (), final: bool = True
) -> pl.DataFrame:
    """All columns but `drop` of a table (deduplicated as readers see it, unless `final` is
    off); nested columns (maps) as text, so rows compare and sort."""
    source = engine.latest(table) if final else f"{engine.database}.{table}"
    frame = _frame(engine, f"SELECT * FROM {source}").drop(drop)
    nested = [c for c, t in frame.schema.items() if t.is_nested()]
    return frame.with_columns(
        [pl.col(c).map_elements(_text, return_dtype=pl.String) for c in nested]
    )


def _text(value: object) -> str:
    """A nested value (a map read back as a dict or as key/value structs) as stable text."""
    if isinstance(value, list):
        value = {a["key"]: a["value"] for a in value}
    return json.dumps(value, sort_keys=True)


def _tables(engine: Engine) -> dict[str, pl.DataFrame]:
    """Every derived table: the columns that are the same in an uninterrupted run."""
    tables = {
        "events": _table(engine, "events", final=False).select(
            "user_id", "metric", "event_id", "value", "ts", "tz", "local_date", "attributes"
        ),
        "users": _table(engine, "users").select("user_id", "tz", "created_at", "attributes"),
        "rejects": _table(engine, "rejects", ("rejected_at",)),
        "daily_metrics": engine.query("read/daily_metrics"),
        "tz_days": _table(engine, "tz_days"),
        "streak_chains": _table(engine, "streak_chains", ("version",)),
        # what readers take: per counter, the total of the latest run (a run killed after it
        # committed runs again, writing some totals once more under the next number)
        "progress": _frame(
            engine,
            "SELECT scope, user_id, counter, argMax(total, seq) AS total"
            f" FROM {engine.latest('progress')} GROUP BY scope, user_id, counter",
        ),
        "achievements": _table(engine, "achievements"),
        "streak_milestones": _table(engine, "streak_milestones"),
        # leaderboards sum the ledger as stored, without deduplication
        "points_ledger": _table(engine, "points_ledger", final=False),
        "leaderboard_final": _table(engine, "leaderboard_final"),
        "leaderboard_runs": _table(
            engine, "leaderboard_runs", ("finalized_at", "watermark_us", "points_seq", "version")
        ),
        "leaderboard_snapshot_runs": _table(
            engine, "leaderboard_snapshot_runs", ("snap", "watermark_us", "points_seq")
        ),
    }
    # the rows of the snapshot each status row points at (reads use no other)
    runs = _table(engine, "leaderboard_snapshot_runs").select("board", "run", "snap")
    tables["leaderboard_snapshot"] = (
        _table(engine, "leaderboard_snapshot", final=False)
        .join(runs, on=["board", "run", "snap"], how="semi")
        .select("board", "run", "rank", "user_id", "score", "last_change")
    )
    if "event_keys" in engine.tables():  # the dedup index, where the engine keeps one
        tables["event_keys"] = _frame(engine, f"SELECT h FROM {engine.database}.event_keys")
    return tables


#: Columns of API reads that say when, not what (the leaderboards dashboard's runs panel).
WHEN_COLUMNS = ("finalized_at",)
#: Job sequence numbers: compared as their order (a run killed after committing runs again).
SEQ_COLUMNS = {"achievements", "streak_milestones", "points_ledger"}


def _frame(engine: Engine, sql: str) -> pl.DataFrame:
    frame = pl.from_arrow(engine.query_sql(sql, {}))
    assert isinstance(frame, pl.DataFrame)
    return frame


def _meta(engine: Engine) -> pl.DataFrame:
    """The jobs' committed state, less run-specific fields (watermarks, sequence numbers),
    and the newest stored event instant."""
    rows = _frame(engine, f"SELECT key, value FROM {engine.latest('meta')}").rows()
    noise = {"watermark", "watermark_us", "seq", "points_seq", "consumed", "rebuilt"}

    def clean(value: object) -> object:
        if isinstance(value, dict):
            return {k: clean(v) for k, v in sorted(value.items()) if k not in noise}
        return value

    kept = []
    for key, value in rows:
        if key in (watermarks.STORE_VERSION, watermarks.USERS_VERSION):  # random per ingest
            continue
        with contextlib.suppress(json.JSONDecodeError):
            value = json.dumps(clean(json.loads(value)), sort_keys=True)
        kept.append({"key": key, "value": value})
    return pl.DataFrame(kept, schema={"key": pl.String, "value": pl.String})


def snapshot(g: Gamify, as_of: datetime) -> dict[str, pl.DataFrame]:
    """Everything compared, read from one store."""
    engine, config = g.engine, g.config
    out = _tables(engine)
    out["meta"] = _meta(engine)
    for name in dashboards.NAMES:
        build = dashboard_rollups.load(engine, name)
        if build is not None:
            out[f"rollup {name} range"] = pl.DataFrame(
                {"first_day": [build.first_day], "last_day": [build.last_day]}
            )
            for panel, frame in build.frames.items():
                out[f"rollup {name}.{panel}"] = frame
        for rollups in (False, True):
            read = dashboards.query(engine, config, name, rollups=rollups)
            for panel, frame in read.items():
                out[f"dashboard {name}.{panel} rollups={rollups}"] = frame
    for board in config.leaderboards:
        run = periods.run_key(as_of.date(), board.period)
        for key in (run, periods.previous_key(run, board.period)):
            doc = dataclasses.asdict(
                leaderboards.standings(engine, config, board.key, key, "", as_of)
            )
            entries = pl.DataFrame(doc.pop("entries"), infer_schema_length=None)
            out[f"standings {board.key} {key}"] = entries.with_columns(
                doc=pl.lit(json.dumps(doc, default=str))
            )
    for s in config.streaks:
        out[f"stored streaks {s.key}"] = streaks.stored(engine, config, s.key, as_of)
    out["points totals"] = points.totals(engine, config)
    return out


def _sortable(frame: pl.DataFrame) -> pl.DataFrame:
    """Nested columns as text, so that frames sort (and compare) row by row."""
    nested = [c for c, t in frame.schema.items() if t.is_nested()]
    if not nested:
        return frame
    return frame.with_columns(pl.col(c).map_elements(repr, return_dtype=pl.String) for c in nested)


def _dense_seq(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.with_columns(pl.col("seq").rank("dense").cast(pl.UInt64))


def _difference(name: str, want: pl.DataFrame, got: pl.DataFrame) -> str | None:
    """None if equal as multisets of rows; else a short description."""
    if name in SEQ_COLUMNS:
        want, got = _dense_seq(want), _dense_seq(got)
    want, got = want.drop(WHEN_COLUMNS, strict=False), got.drop(WHEN_COLUMNS, strict=False)
    want, got = _sortable(want), _sortable(got)
    if want.columns != got.columns:
        return f"{name}: columns {want.columns} != {got.columns}"
    want, got = want.sort(want.columns), got.sort(got.columns)
    try:
        assert_frame_equal(want, got, check_dtypes=False)
    except AssertionError:
        cols = want.columns
        counted_w = want.group_by(cols).len()
        counted_g = got.group_by(cols).len()
        missing = counted_w.join(counted_g, on=cols, how="anti", nulls_equal=True)
        extra = counted_g.join(counted_w, on=cols, how="anti", nulls_equal=True)
        return (
            f"{name}: {want.height} rows expected, {got.height} found; "
            f"{missing.height} missing, e.g.\n{missing.head(3)}\n"
            f"{extra.height} unexpected, e.g.\n{extra.head(3)}"
        )
    return None


# --- the test -------------------------------------------------------------------------------


def _dsn(engine: str, root: Path) -> str:
    """A store of its own in `root` (its processes open it, not this one's session store)."""
    root.mkdir(parents=True, exist_ok=True)
    return dsns.of_engine(engine, root / "store")


def _read(config: Config, dsn: str, as_of: datetime) -> dict[str, pl.DataFrame]:
    with Gamify(config, dsn) as g:
        return snapshot(g, as_of)


def _reference(data: Data, dsn: str) -> tuple[list[Profile], dict[str, pl.DataFrame]]:
    """The uninterrupted run, in this process, each step opening the store as `gamify` does:
    the steps' profiles, and the tables."""
    profiles = []
    for step in steps(data):
        calls: list[Call] = []
        started = time.monotonic()
        with _profiled(calls), Gamify(data.config, dsn) as g:
            step.in_process(g)
        profiles.append(Profile(time.monotonic() - started, calls))
    return profiles, _read(data.config, dsn, data.t2)


def _faulty(
    data: Data, dsn: str, profiles: list[Profile], rng: random.Random, stderr: Path
) -> list[str]:
    """Every step killed at its kill points, then run to completion; returns the log."""
    log = []
    for step, profile in zip(steps(data), profiles, strict=True):
        for kill in _kills(step, profile, rng):
            killed, took = _attempt(step, data, dsn, kill, stderr)
            log.append(
                f"{step.name}: kill at {kill.where!r} +{kill.after:.4f} s ({kill.why}):"
                f" {'killed' if killed else 'finished'} after {took:.2f} s"
            )
            if not killed:
                break
        else:
            took = _attempt(step, data, dsn, None, stderr)[1]
            log.append(f"{step.name}: re-run to completion in {took:.2f} s")
    return log


@pytest.mark.slow
@pytest.mark.parametrize("engine", ENGINE_PARAMS)
def test_killed_steps_rerun_to_the_uninterrupted_result(
    engine: str, data: Data, tmp_path: Path
) -> None:
    rng = random.Random(f"{SEED}:{engine}")
    profiles, want = _reference(data, _dsn(engine, tmp_path / "reference"))
    faulty = _dsn(engine, tmp_path / "faulty")
    log = _faulty(data, faulty, profiles, rng, tmp_path / "stderr.log")
    print("\n".join(log))  # shown with -s / -rP: where the kills landed
    got = _read(data.config, faulty, data.t2)
    assert set(got) == set(want), f"read different things: {set(got) ^ set(want)}"
    diffs = [d for name in want if (d := _difference(name, want[name], got[name]))]
    assert not diffs, (
        f"seed {SEED}, {engine}: {len(diffs)} difference(s)\n"
        + "\n".join(diffs)
        + "\n--- kills ---\n"
        + "\n".join(log)
    )
