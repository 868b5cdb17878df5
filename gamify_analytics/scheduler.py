"""The default schedule (`jobs/schedule.toml`) and `gamify scheduler` (docs/jobs.md).

A schedule is a list of entries: a name, a 5-field cron expression in UTC, the jobs to run (in
dependency order) and a one-line description. `gamify scheduler` runs it with APScheduler, one
cron trigger per entry; each fire opens the store, runs the entry's jobs like `gamify run`
does, and closes the store again, so that other commands can use an embedded store between
runs. `gamify jobs crontab` prints the same schedule for cron.
"""

from __future__ import annotations

import importlib.resources
import logging
import re
import shlex
import shutil
import signal
import sys
import time
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from threading import TIMEOUT_MAX
from typing import Any

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.base import STATE_STOPPED, BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger

from gamify_analytics import jobs as jobs_mod
from gamify_analytics.api import Gamify
from gamify_analytics.config import Config, ConfigError
from gamify_analytics.engines import Engine, StoreBusy, StoreError
from gamify_analytics.engines import dsn as dsns
from gamify_analytics.jobs import JobResult

#: The default schedule: `jobs/schedule.toml` at the top of the repository, shipped in the
#: package as `gamify_analytics.schedules` (pyproject.toml).
DEFAULT_SCHEDULE = Path(str(importlib.resources.files("gamify_analytics.schedules"))).joinpath(
    "schedule.toml"
)
#: A fire that could not start on time (the process was busy or asleep) still runs if it is
#: at most this late (seconds); fires missed during a longer outage run once (coalesced).
MISFIRE_GRACE = 15 * 60
_NAME = re.compile(r"^[a-z][a-z0-9_-]{0,63}$")
_TICK = timedelta(microseconds=1)
_YEARS = timedelta(days=8 * 366)

Log = Callable[[str], None]


@dataclass(frozen=True)
class Entry:
    name: str
    cron: str
    jobs: tuple[str, ...]
    description: str

    def trigger(self) -> CronTrigger:
        return CronTrigger.from_crontab(self.cron, timezone=UTC)

    def next_fire(self, now: datetime | None = None) -> datetime | None:
        return self.trigger().get_next_fire_time(None, now or datetime.now(UTC))

    def previous_fire(self, before: datetime) -> datetime | None:
        """The latest fire at or before `before` (None if the expression never fired within
        the last 8 years): looked for in a window that widens until it holds one."""
        trigger = self.trigger()
        for back in (timedelta(hours=1), timedelta(days=1), timedelta(days=32), _YEARS):
            fire = trigger.get_next_fire_time(None, before - back)
            if fire is None or fire > before:
                continue
            while (later := trigger.get_next_fire_time(None, fire + _TICK)) and later <= before:
                fire = later
            return fire
        return None

    def runnable(self) -> list[str]:
        """The entry's jobs that exist today, in dependency order."""
        return [j for j in jobs_mod.JOBS if j in self.jobs]


# --- the schedule file ---------------------------------------------------------------------
def schedule_path(path: str | Path | None = None) -> Path:
    return Path(path) if path else DEFAULT_SCHEDULE


def load_schedule(path: str | Path | None = None) -> list[Entry]:
    """Read and check a schedule; a mistake is a ConfigError naming file, entry and field."""
    path = schedule_path(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
        raise ConfigError(f"{path}: {e}") from None
    unknown = sorted(set(raw) - {"entry"})
    if unknown:
        raise ConfigError(f"{path}: unknown key {unknown[0]!r} (expected [[entry]] tables)")
    items = raw.get("entry", [])
    if not isinstance(items, list) or not items:
        raise ConfigError(f"{path}: no [[entry]] tables")
    entries: list[Entry] = []
    for i, item in enumerate(items):
        entries.append(_entry(path, i, item, {e.name for e in entries}))
    return entries


def _entry(path: Path, i: int, item: Any, seen: set[str]) -> Entry:
    where = f"{path}: entry[{i}]"
    if not isinstance(item, dict):
        raise ConfigError(f"{where}: not a table")
    if isinstance(item.get("name"), str):
        where += f" ({item['name']})"

    def fail(field: str, reason: str) -> ConfigError:
        return ConfigError(f"{where}: {field}: {reason}")

    unknown = sorted(set(item) - {"name", "cron", "jobs", "description"})
    if unknown:
        raise fail(unknown[0], "unknown field")
    for field in ("name", "cron", "jobs", "description"):
        if field not in item:
            raise fail(field, "missing")
    name, cron, names, description = (item[k] for k in ("name", "cron", "jobs", "description"))
    if not isinstance(name, str) or not _NAME.match(name):
        raise fail("name", "must match [a-z][a-z0-9_-]* (at most 64 characters)")
    if name in seen:
        raise fail("name", f"duplicate entry name {name!r}")
    if not isinstance(cron, str) or len(cron.split()) != 5:
        raise fail("cron", f"{cron!r} is not a 5-field cron expression (min hour day month dow)")
    if re.search(r"\d", cron.split()[4]):
        # cron numbers weekdays from Sunday = 0, APScheduler 3 from Monday = 0
        raise fail("cron", f"{cron!r}: name the days of the week (mon-sun), not numbers")
    try:
        CronTrigger.from_crontab(cron, timezone=UTC)
    except ValueError as e:
        raise fail("cron", f"{cron!r}: {e}") from None
    if not isinstance(names, list) or not names or not all(isinstance(n, str) for n in names):
        raise fail("jobs", "must be a non-empty list of job names")
    known = list(jobs_mod.JOBS)
    for n in names:
        if n not in known:
            raise fail("jobs", f"unknown job {n!r} (jobs: {', '.join(known)})")
    if len(set(names)) != len(names):
        raise fail("jobs", "a job is listed twice")
    registered = [n for n in names if n in jobs_mod.JOBS]
    if registered != [j for j in jobs_mod.JOBS if j in registered]:
        order = " → ".join(jobs_mod.JOBS)
        raise fail("jobs", f"{names} are not in dependency order ({order})")
    if not isinstance(description, str) or not description.strip() or "\n" in description:
        raise fail("description", "must be one non-empty line")
    return Entry(name, cron, tuple(names), description.strip())


# --- running one entry -----------------------------------------------------------------------
def log_line(text: str) -> None:
    """One line on stderr, stamped with the UTC time."""
    stamp = datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    print(f"{stamp} gamify scheduler: {text}", file=sys.stderr, flush=True)


def _reason(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    if isinstance(error, (ConfigError, StoreError)) and text:
        return text[0]
    return f"{type(error).__name__}: {text[0]}" if text else type(error).__name__


def run_entry(
    entry: Entry,
    config: Config,
    dsn: str | None,
    *,
    log: Log = log_line,
    now: datetime | None = None,
) -> list[JobResult] | None:
    """Open the store, run the entry's jobs as of `now` (default: the current time), close the
    store. Never raises: a failure, or a busy job or store, is logged in one line (the next
    fire tries again). Returns the job summaries, or None when nothing ran."""
    names = entry.runnable()
    t0 = time.perf_counter()
    try:
        with Gamify(config, dsn) as g:
            results = g.run(names, as_of=now or datetime.now(UTC))
    except StoreError as e:
        state = "busy, next fire tries again" if isinstance(e, StoreBusy) else "failed"
        log(f"{entry.name}: {state}: {_reason(e)}")
        return None
    except Exception as e:
        log(f"{entry.name}: failed: {_reason(e)}")
        return None
    done = ", ".join(f"{r.job} {r.rows} rows" for r in results)
    log(f"{entry.name}: ok in {time.perf_counter() - t0:.1f} s ({done})")
    return results


# --- the scheduler ---------------------------------------------------------------------------
class Scheduler(BlockingScheduler):
    """A BlockingScheduler that a signal handler can stop safely: the handler only sets
    `stop_requested` (taking no lock), and the main loop, which looks at least once a second,
    returns from `start()`; the caller then shuts down, waiting for the running job."""

    stop_requested: str | None = None

    def _main_loop(self) -> None:
        wait_seconds: float | None = TIMEOUT_MAX
        while self.state != STATE_STOPPED and not self.stop_requested:
            self._event.wait(min(TIMEOUT_MAX if wait_seconds is None else wait_seconds, 1.0))
            self._event.clear()
            if self.stop_requested:
                break
            wait_seconds = self._process_jobs()


def build(
    entries: Iterable[Entry],
    run: Callable[[Entry], object],
    *,
    scheduler: BaseScheduler | None = None,
    misfire_grace: int | None = MISFIRE_GRACE,
) -> BaseScheduler:
    """A scheduler (not started) with one cron trigger per entry calling `run(entry)`.

    The default scheduler runs one fire at a time (a single worker), so that entries due at
    the same minute run one after the other, in schedule order, instead of refusing each
    other's jobs. Fires missed while the process was busy or suspended are coalesced into one
    (if within `misfire_grace` seconds), and an entry never overlaps itself."""
    if scheduler is None:
        scheduler = Scheduler(timezone=UTC, executors={"default": ThreadPoolExecutor(1)})
    for i, entry in enumerate(entries):
        scheduler.add_job(
            run,
            entry.trigger(),
            args=[entry],
            id=f"{i:03d}-{entry.name}",  # ties (same fire time) run in id order: file order
            name=entry.name,
            coalesce=True,
            max_instances=1,
            misfire_grace_time=misfire_grace,
        )
    return scheduler


def serve(
    config: Config,
    dsn: str | None,
    entries: list[Entry],
    *,
    log: Log = log_line,
    misfire_grace: int | None = MISFIRE_GRACE,
) -> None:
    """`gamify scheduler`: run the schedule until SIGTERM or SIGINT, then let the running fire
    finish and return."""
    _log_apscheduler_warnings(log)
    try:  # the schema is ready before the first fire (and a bad DSN fails now, not at 3 am)
        with Gamify(config, dsn) as g:
            g.init()
            store = g.dsn
    except StoreError as e:
        if not isinstance(e, StoreBusy):
            raise
        store = dsn or "the configured store"
        log(f"{_reason(e)}; each fire tries again")

    sched = Scheduler(timezone=UTC, executors={"default": ThreadPoolExecutor(1)})

    def fire(entry: Entry) -> None:
        if not sched.stop_requested:  # queued behind a run that was finishing at shutdown
            run_entry(entry, config, dsn, log=log)

    build(entries, fire, scheduler=sched, misfire_grace=misfire_grace)

    def on_signal(signum: int, _frame: object) -> None:
        sched.stop_requested = signal.Signals(signum).name

    previous = {s: signal.signal(s, on_signal) for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        now = datetime.now(UTC)
        upcoming = min(entries, key=lambda e: e.next_fire(now) or datetime.max.replace(tzinfo=UTC))
        log(
            f"started: {len(entries)} entries on {store}; next: {upcoming.name} at "
            f"{_iso(upcoming.next_fire(now))}"
        )
        sched.start()
        log(f"{sched.stop_requested or 'stop'}: stopping after the running job")
    finally:
        if sched.state != STATE_STOPPED:
            sched.shutdown(wait=True)
        for s, handler in previous.items():
            signal.signal(s, handler)
    log("stopped")


def _log_apscheduler_warnings(log: Log) -> None:
    """APScheduler's own warnings (a fire missed, an entry still running) as our log lines."""

    class _Handler(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            log(record.getMessage().splitlines()[0])

    logger = logging.getLogger("apscheduler")
    if not any(isinstance(h, _Handler) for h in logger.handlers):
        logger.addHandler(_Handler(logging.WARNING))
        logger.setLevel(logging.WARNING)
        logger.propagate = False


# --- jobs list / jobs crontab ---------------------------------------------------------------
def last_runs(engine: Engine, entries: Iterable[Entry]) -> dict[str, tuple[str, datetime]]:
    """Per job named by `entries`: the status and finish time of its latest finished run."""
    names = sorted({j for e in entries for j in e.jobs})
    frame = engine.query("jobs/schedule_last_runs", {"jobs": names})
    return {r["job"]: (r["last_status"], r["last_finished"]) for r in frame.iter_rows(named=True)}


def listing(
    entries: Iterable[Entry],
    last: dict[str, tuple[str, datetime]] | None = None,
    now: datetime | None = None,
) -> list[dict]:
    """One row per entry: its schedule, the last run of its last job, and its next fire."""
    now = now or datetime.now(UTC)
    rows = []
    for e in entries:
        status, finished = (last or {}).get(e.jobs[-1], (None, None))
        rows.append(
            {
                "name": e.name,
                "cron": e.cron,
                "jobs": list(e.jobs),
                "description": e.description,
                "last_status": status,
                "last_run": finished,
                "next_run": e.next_fire(now),
            }
        )
    return rows


def gamify_executable() -> str:
    """The `gamify` script of this installation (absolute), else `gamify` on PATH."""
    beside = Path(sys.executable).parent / "gamify"
    if beside.is_file():
        return str(beside)
    return shutil.which("gamify") or "gamify"


def crontab_lines(
    entries: Iterable[Entry], *, dsn: str, config: Path | None, gamify: str | None = None
) -> list[dict]:
    """Per entry, the crontab line that runs it (`gamify … run JOB…`), with its comment."""
    base = [gamify or gamify_executable()]
    if config is not None:
        base += ["--config", str(config.resolve())]
    base += ["--dsn", dsns.absolute(dsn)]
    rows = []
    for e in entries:
        command = shlex.join([*base, "run", *e.jobs]) + " >/dev/null"
        # cron turns an unescaped % into a newline
        rows.append(
            {
                "name": e.name,
                "cron": e.cron,
                "command": command,
                "description": e.description,
                "line": f"{e.cron} {command.replace('%', chr(92) + '%')}",
            }
        )
    return rows


def crontab(rows: list[dict], schedule: Path) -> str:
    """A crontab fragment: a header, then a comment and a line per entry."""
    out = [
        f"# gamify schedule ({schedule.resolve()}): `gamify jobs crontab`",
        "# Times are UTC: keep CRON_TZ=UTC (cronie) or run cron in UTC. Data output is dropped;",
        "# errors (one line on stderr) are mailed by cron. A run finding a job busy is skipped.",
        "CRON_TZ=UTC",
    ]
    for r in rows:
        out += ["", f"# {r['name']}: {r['description']}", r["line"]]
    return "\n".join(out) + "\n"


def _iso(t: datetime | None) -> str:
    return t.isoformat(timespec="seconds").replace("+00:00", "Z") if t else "never"
