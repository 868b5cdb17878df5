"""The default schedule, `gamify scheduler` (APScheduler), `gamify jobs list|crontab`."""

from __future__ import annotations

import json
import queue
import shlex
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import apscheduler.executors.base
import apscheduler.schedulers.base
import pytest
from apscheduler.executors.debug import DebugExecutor
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from typer.testing import CliRunner

from gamify_analytics import jobs, scheduler
from gamify_analytics.api import Gamify
from gamify_analytics.cli import app
from gamify_analytics.config import ConfigError, load
from gamify_analytics.engines import connect
from gamify_analytics.scheduler import Entry
from tests.helpers.stores import GOLDEN

CONFIG_PATH = GOLDEN / "config.toml"
GAMIFY = [sys.executable, "-c", "from gamify_analytics.cli import run; run()"]


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


# --- the schedule file -----------------------------------------------------------------------
def test_the_default_schedule() -> None:
    entries = {e.name: (e.cron, e.jobs) for e in scheduler.load_schedule()}
    assert entries == {
        "achievements-deferred": ("30 0 * * *", ("achievements",)),
        "streaks-points": ("*/15 * * * *", ("streaks", "achievements", "points", "dashboards")),
        "leaderboards-finalize": ("0 12 * * *", ("leaderboards", "dashboards")),
        "leaderboards-catchup": ("5 * * * *", ("leaderboards", "dashboards")),
    }
    for e in scheduler.load_schedule():
        assert all(j in jobs.JOBS for j in e.jobs)
        assert e.description and "\n" not in e.description


GOOD = 'name = "x"\ncron = "*/15 * * * *"\njobs = ["streaks", "points"]\ndescription = "d"\n'


@pytest.mark.parametrize(
    ("entry", "error"),
    [
        (GOOD.replace('"points"', '"nope"'), "jobs: unknown job 'nope' (jobs: streaks, "),
        (GOOD.replace("*/15 * * * *", "*/15 * * *"), "cron: '*/15 * * *' is not a 5-field"),
        (GOOD.replace("*/15 * * * *", "61 * * * *"), "cron: '61 * * * *': "),
        (GOOD.replace("*/15 * * * *", "0 12 * * 1-5"), "name the days of the week (mon-sun)"),
        (GOOD.replace('["streaks", "points"]', '["points", "streaks"]'), "dependency order"),
        (GOOD.replace('description = "d"\n', ""), "description: missing"),
        (GOOD + 'when = "now"\n', "when: unknown field"),
        (GOOD.replace('"x"', '"X Y"'), "name: must match"),
    ],
    ids=["job", "fields", "range", "weekday", "order", "missing", "unknown", "name"],
)
def test_schedule_mistakes_name_file_entry_and_field(
    tmp_path: Path, entry: str, error: str
) -> None:
    path = tmp_path / "schedule.toml"
    first = GOOD.replace('"x"', '"first"')
    path.write_text(f"[[entry]]\n{first}\n[[entry]]\n{entry}")
    with pytest.raises(ConfigError) as e:
        scheduler.load_schedule(path)
    assert str(e.value).startswith(f"{path}: entry[1]")
    assert error in str(e.value)


def test_duplicate_names_and_missing_files(tmp_path: Path) -> None:
    path = tmp_path / "schedule.toml"
    path.write_text(f"[[entry]]\n{GOOD}\n[[entry]]\n{GOOD}")
    with pytest.raises(ConfigError, match=r"entry\[1\] \(x\): name: duplicate entry name 'x'"):
        scheduler.load_schedule(path)
    with pytest.raises(ConfigError, match="no such file"):
        scheduler.load_schedule(tmp_path / "none.toml")


# --- the real APScheduler against a controlled clock ---------------------------------------
class Clock:
    now = at("2026-03-10T11:00:00")


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """APScheduler's `now` (scheduler loop and misfire checks) reads this clock."""
    c = Clock()

    class FakeDatetime(datetime):
        @classmethod
        def now(cls, tz=None):  # type: ignore[override]
            return c.now.astimezone(tz) if tz else c.now.replace(tzinfo=None)

    monkeypatch.setattr(apscheduler.schedulers.base, "datetime", FakeDatetime)
    monkeypatch.setattr(apscheduler.executors.base, "datetime", FakeDatetime)
    return c


class ManualScheduler(BlockingScheduler):
    """The real scheduler, minus its blocking loop: the test calls `_process_jobs()` (the
    loop's body) after moving the clock. Jobs run synchronously (DebugExecutor)."""

    def _main_loop(self) -> None:
        pass


@pytest.fixture
def fired(clock: Clock) -> Iterator[tuple[list[tuple[str, datetime]], ManualScheduler]]:
    calls: list[tuple[str, datetime]] = []
    sched = ManualScheduler(timezone=UTC, executors={"default": DebugExecutor()})
    scheduler.build(
        scheduler.load_schedule(),
        lambda entry: calls.append((entry.name, clock.now)),
        scheduler=sched,
    )
    yield calls, sched
    sched.shutdown(wait=False)


def test_finalization_fires_at_noon_utc_not_a_second_before(
    clock: Clock, fired: tuple[list, ManualScheduler]
) -> None:
    calls, sched = fired
    clock.now = at("2026-03-10T11:50:00")
    sched.start()
    clock.now = at("2026-03-10T11:59:59")
    wait = sched._process_jobs()
    assert calls == []
    assert wait == pytest.approx(1.0)  # the next wakeup is 12:00:00 exactly
    clock.now = at("2026-03-10T12:00:00")
    sched._process_jobs()
    noon = at("2026-03-10T12:00:00")
    # both entries due at 12:00 run, in schedule order: points first, then finalization
    assert calls == [("streaks-points", noon), ("leaderboards-finalize", noon)]
    clock.now = at("2026-03-10T12:05:00")
    sched._process_jobs()
    assert calls[2:] == [("leaderboards-catchup", clock.now)]


def test_a_three_hour_outage_fires_the_catch_up_once(
    clock: Clock, fired: tuple[list, ManualScheduler]
) -> None:
    calls, sched = fired
    clock.now = at("2026-03-10T09:00:30")
    sched.start()
    clock.now = at("2026-03-10T09:05:00")
    sched._process_jobs()
    assert calls == [("leaderboards-catchup", clock.now)]
    calls.clear()
    # asleep from 09:05 to 12:08: the catch-up missed 10:05, 11:05 and 12:05
    clock.now = at("2026-03-10T12:08:00")
    sched._process_jobs()
    assert sorted(name for name, _ in calls) == [
        "leaderboards-catchup",
        "leaderboards-finalize",
        "streaks-points",  # missed 12 times, also once
    ]
    calls.clear()
    sched._process_jobs()
    assert calls == []
    # a fire later than the misfire grace (15 min) is dropped, the next one runs
    clock.now = at("2026-03-10T13:25:00")
    sched._process_jobs()
    assert ("leaderboards-catchup", clock.now) not in calls
    clock.now = at("2026-03-10T14:05:00")
    calls.clear()
    sched._process_jobs()
    assert [name for name, _ in calls].count("leaderboards-catchup") == 1


def test_a_stop_request_lets_the_running_fire_finish() -> None:
    sched = scheduler.Scheduler(timezone=UTC, executors={"default": ThreadPoolExecutor(1)})
    started, finish, done = threading.Event(), threading.Event(), []

    def job() -> None:
        started.set()
        finish.wait(10)
        done.append(True)

    sched.add_job(job, "date", run_date=datetime.now(UTC))

    def stop() -> None:
        started.wait(10)
        sched.stop_requested = "SIGTERM"  # what the signal handler does

    threading.Thread(target=stop).start()
    sched.start()  # returns once asked to stop
    assert started.is_set() and not done
    threading.Timer(0.3, finish.set).start()
    sched.shutdown(wait=True)
    assert done == [True]


# --- one fire --------------------------------------------------------------------------------
def test_a_fire_logs_one_line_and_never_raises(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = load(CONFIG_PATH)
    dsn = f"duckdb://{tmp_path / 's.duckdb'}"
    entry = Entry("t", "*/15 * * * *", ("streaks",), "test")
    lines: list[str] = []
    results = scheduler.run_entry(entry, config, dsn, log=lines.append)
    assert results is not None and [r["job"] for r in results] == ["streaks"]
    assert lines[0].startswith("t: ok in ") and lines[0].endswith("(streaks 0 rows)")

    def boom(*_a: object, **_k: object) -> int:
        raise RuntimeError("boom\nsecond line")

    lines.clear()
    monkeypatch.setitem(jobs.JOBS, "streaks", boom)
    assert scheduler.run_entry(entry, config, dsn, log=lines.append) is None
    assert lines == ["t: failed: RuntimeError: boom"]
    monkeypatch.undo()

    with connect(dsn) as e:
        jobs.write_claim(e, "streaks", "busy-run", datetime.now(UTC))
    lines.clear()
    assert scheduler.run_entry(entry, config, dsn, log=lines.append) is None
    assert lines[0].startswith("t: busy, next fire tries again: job 'streaks' is already running")


# --- jobs list / jobs crontab ----------------------------------------------------------------
def cli(*args: str) -> str:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, (result.output, result.exception)
    return result.stdout


def test_jobs_list_shows_every_entry_its_last_run_and_next_fire(dsn: str) -> None:
    with Gamify(load(CONFIG_PATH), dsn) as g:
        g.run()
    before = datetime.now(UTC)
    doc = json.loads(
        cli("--config", str(CONFIG_PATH), "--dsn", dsn, "jobs", "list", "--format", "json")
    )
    entries = scheduler.load_schedule()
    assert [d["name"] for d in doc] == [e.name for e in entries]
    for d, e in zip(doc, entries, strict=True):
        assert (d["cron"], d["jobs"], d["description"]) == (e.cron, list(e.jobs), e.description)
        next_run = datetime.fromisoformat(d["next_run"])
        assert before <= next_run <= before + timedelta(days=1)
        assert next_run == e.trigger().get_next_fire_time(None, before)
        if e.jobs[-1] in jobs.JOBS:  # ran above
            assert d["last_status"] == "ok" and datetime.fromisoformat(d["last_run"]) <= before
        else:
            assert d["last_status"] is None and d["last_run"] is None


def test_jobs_crontab_lines_match_the_schedule(tmp_path: Path) -> None:
    store = "rel/g.duckdb"
    text = cli("--config", str(CONFIG_PATH), "--dsn", f"duckdb://{store}", "jobs", "crontab")
    lines = [ln for ln in text.splitlines() if ln.strip()]
    assert "CRON_TZ=UTC" in lines
    commands = [ln for ln in lines if not ln.startswith("#") and "=" not in ln.split()[0]]
    entries = scheduler.load_schedule()
    assert len(commands) == len(entries)
    for line, e in zip(commands, entries, strict=True):
        assert lines[lines.index(line) - 1] == f"# {e.name}: {e.description}"
        fields = line.split(None, 5)
        cron = " ".join(fields[:5])
        trigger = CronTrigger.from_crontab(cron, timezone=UTC)
        assert cron == e.cron
        t = at("2026-03-10T11:59:00")
        assert trigger.get_next_fire_time(None, t) == e.trigger().get_next_fire_time(None, t)
        argv = shlex.split(fields[5])
        assert Path(argv[0]).is_absolute() and Path(argv[0]).name == "gamify"
        assert argv[1:5] == [
            "--config",
            str(CONFIG_PATH),
            "--dsn",
            f"duckdb://{Path(store).resolve()}",
        ]
        assert argv[5] == "run" and tuple(argv[6:-1]) == e.jobs and argv[-1] == ">/dev/null"


# --- the scheduler process -------------------------------------------------------------------
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_the_scheduler_stops_cleanly_on_a_signal(tmp_path: Path, sig: signal.Signals) -> None:
    dsn = f"duckdb://{tmp_path / 's.duckdb'}"
    proc = subprocess.Popen(
        [*GAMIFY, "--config", str(CONFIG_PATH), "--dsn", dsn, "scheduler"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines: queue.Queue[str] = queue.Queue()
    stderr = proc.stderr
    assert stderr is not None

    def read() -> None:
        for ln in stderr:
            lines.put(ln)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        seen = []
        while not any("gamify scheduler: started: 4 entries" in ln for ln in seen):
            seen.append(lines.get(timeout=30))
        proc.send_signal(sig)
        assert proc.wait(timeout=10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
    reader.join(5)
    while not lines.empty():
        seen.append(lines.get())
    assert seen[-1].rstrip().endswith("gamify scheduler: stopped"), seen
    assert any(f"{sig.name}: stopping after the running job" in ln for ln in seen), seen
