"""The Python API: the operations the command line runs, for notebooks and schedulers.

`Gamify` is one store and one config. Writes (`init`, `ingest`, `run`) create or migrate the
schema as needed; reads never do: a store without the current schema says to run `gamify
init`. Reads that judge as of an instant (streaks, leaderboards) default to the as-of of the
last successful run of the job that stores what they read (`read_as_of`), the instant the
report and the dashboards show too. Tabular results are polars frames; the rest are typed
results (dataclasses)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

from gamify_analytics import achievements, dashboards, jobs, leaderboards, points, streaks
from gamify_analytics import config as config_mod
from gamify_analytics.config import Config
from gamify_analytics.dashboards import Filters
from gamify_analytics.engines import Engine, connect, resolve_dsn, retry_busy, schema
from gamify_analytics.errors import NotRunYet
from gamify_analytics.jobs import JOBS, JobResult, ledger
from gamify_analytics.jobs.locks import WAIT_TIMEOUT
from gamify_analytics.leaderboards import Standings
from gamify_analytics.names import STATUS_GRACE, STATUS_LAST_RUNS

if TYPE_CHECKING:  # what only writes, erasure, verify and status use is imported when used
    from gamify_analytics.erase import Erasure
    from gamify_analytics.ingest.load import IngestSummary, Progress
    from gamify_analytics.status import Scheduled, Status
    from gamify_analytics.verify import Check


class Gamify:
    """One store and one config. Opens the store lazily and closes it on `close()` (or `with`),
    so an embedded store is held only while work is being done."""

    def __init__(
        self,
        config: Config | str | Path | None = None,
        dsn: str | None = None,
        *,
        store_timeout: float = 0.0,
        on_wait: Callable[[str], None] | None = None,
    ):
        """`config`: a Config, or a file (default `$GAMIFY_CONFIG`, else `./gamify.toml`).
        `store_timeout`: seconds to wait for a store that another process holds (an embedded
        store only one process may open), telling `on_wait` once; 0: fail at once."""
        self.config = config if isinstance(config, Config) else config_mod.load(config)
        self.dsn = resolve_dsn(dsn, self.config.dsn)
        self.store_timeout = store_timeout
        self.on_wait = on_wait
        self._engine: Engine | None = None
        self._schema_checked = False

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = self._open()
        return self._engine

    def _open(self) -> Engine:
        def attempt() -> Engine:
            return connect(self.dsn, self.config.cluster)

        if self.store_timeout <= 0:
            return attempt()
        told = []

        def waiting() -> None:
            if not told and self.on_wait is not None:
                self.on_wait(
                    f"waiting for the store {self.dsn}: another process is using it "
                    f"(up to {self.store_timeout:g} s, --store-timeout)"
                )
            told.append(True)

        return retry_busy(attempt, timeout=self.store_timeout, between=waiting)

    def close(self) -> None:
        if self._engine is not None:
            self._engine.close()
            self._engine = None

    def __enter__(self) -> Gamify:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- writes ------------------------------------------------------------------------------
    def init(self) -> list[str]:
        """Create or migrate the schema; returns the migrations applied now."""
        applied = schema.migrate(self.engine)
        self._schema_checked = True
        return applied

    def ingest(
        self,
        files: Iterable[str | Path],
        users: str | Path | None = None,
        *,
        now_ms: int | None = None,
        progress: Progress | None = None,
    ) -> IngestSummary:
        from gamify_analytics.ingest.load import ingest

        self.init()
        return ingest(
            self.engine, self.config, files, users=users, now_ms=now_ms, progress=progress
        )

    def run(
        self,
        names: list[str] | None = None,
        *,
        as_of: datetime | None = None,
        full: bool = False,
        wait: bool = False,
        timeout: float = WAIT_TIMEOUT,
    ) -> list[JobResult]:
        """Run jobs (all by default) in dependency order, one run of a job at a time: if
        another live run holds one of them, raises `jobs.JobBusy` naming it, or with `wait`
        tries again until they are free (up to `timeout` s). While waiting the store is closed,
        so that a store only one process may open is free for the run being waited for."""

        def attempt() -> list[JobResult]:
            self.init()
            return jobs.run(self.engine, self.config, names, as_of=as_of, full=full)

        if not wait:
            return attempt()
        return retry_busy(attempt, timeout=timeout, between=self.close)

    def erase(
        self, users: Iterable[str], *, wait: bool = False, timeout: float = WAIT_TIMEOUT
    ) -> Erasure:
        """Remove every trace of `users` (docs/operations.md "Erasure"): idempotent; a killed
        erasure is finished by running it again with the same ids. Every job is held
        meanwhile: a running job makes it raise `jobs.JobBusy`, or with `wait` wait for it."""
        from gamify_analytics import erase as erase_mod

        ids = erase_mod.user_ids(users)
        self.init()
        return erase_mod.erase(self.engine, self.config, ids, wait=wait, timeout=timeout)

    # --- reads -------------------------------------------------------------------------------
    @property
    def reader(self) -> Engine:
        """The store, checked once to hold the current schema (reads never migrate)."""
        if not self._schema_checked:
            schema.require_current(self.engine)
            self._schema_checked = True
        return self.engine

    def last_runs(self) -> dict[str, datetime]:
        """Per job that has run, the as-of of its last successful run (the run ledger)."""
        return ledger.last_as_of(self.reader, list(JOBS))

    def read_as_of(self, job: str, as_of: datetime | None = None) -> datetime:
        """The instant a read of what `job` stores is judged at: `as_of` when given, else the
        as-of of the job's last successful run, so that every read and the report agree on
        one instant without being told. Raises NotRunYet when the job never ran and no
        instant is given: its tables are empty, and an empty answer would look like a real
        one."""
        if as_of is not None:
            return as_of
        last = self.last_runs()
        if job in last:
            return last[job]
        if not last:
            raise NotRunYet("no job has run yet: gamify run")
        raise NotRunYet(f"the {job} job has not run yet: gamify run")

    def streaks(
        self,
        streak: str | None = None,
        *,
        user: str | None = None,
        as_of: datetime | None = None,
    ) -> pl.DataFrame:
        """Streak state per user. Without `as_of`: the state the last streaks run stored,
        judged at that run's as-of (`read_as_of`), which reads the stored chains and no event;
        with `as_of`: computed from the events up to that instant."""
        read = streaks.stored if as_of is None else streaks.compute
        return self._per_streak(read, streaks.STATE_SCHEMA, streak, user, as_of)

    def streak_history(
        self, streak: str | None = None, *, user: str | None = None, as_of: datetime | None = None
    ) -> pl.DataFrame:
        """Streak period history (qualifying and frozen periods), as of `as_of` (default: the
        last streaks run's)."""
        return self._per_streak(streaks.history, streaks.HISTORY_SCHEMA, streak, user, as_of)

    def _per_streak(
        self,
        read: Callable[..., pl.DataFrame],
        frame_schema: dict,
        streak: str | None,
        user: str | None,
        as_of: datetime | None,
    ) -> pl.DataFrame:
        """`read` for one streak, or every streak of the config, stacked."""
        keys = [self.config.streak(streak).key] if streak else [s.key for s in self.config.streaks]
        users = [user] if user else None
        instant = self.read_as_of("streaks", as_of)
        frames = [read(self.reader, self.config, k, instant, users) for k in keys]
        return pl.concat(frames) if frames else pl.DataFrame(schema=frame_schema)

    def achievements(self, *, user: str | None = None) -> pl.DataFrame:
        """Achievement completions stored by the achievements job."""
        return achievements.completions(self.reader, user)

    def rarity(self) -> pl.DataFrame:
        """Per achievement: completions ÷ users with any event, in percent."""
        return achievements.rarity(self.reader, self.config)

    def points(self, *, user: str | None = None, system: str | None = None) -> pl.DataFrame:
        """Points totals and levels per user and points system (or of one system)."""
        frame = points.totals(self.reader, self.config, user)
        return frame if system is None else frame.filter(pl.col("system") == system)

    def ledger(self, system: str | None = None, *, user: str | None = None) -> pl.DataFrame:
        """The points ledger: every award with its trigger, source, event and clamped points."""
        return points.ledger(self.reader, system, user)

    def leaderboard(
        self,
        key: str,
        run: date | None = None,
        group: str = "",
        as_of: datetime | None = None,
    ) -> Standings:
        """Standings of one run and group: final if finalized, else live (provisional) as of
        `as_of` (default: the last leaderboards run's, `read_as_of`); the run defaults to the
        one holding that instant."""
        self.config.leaderboard(key)  # an unknown board is named before anything is read
        instant = self.read_as_of("leaderboards", as_of)
        return leaderboards.standings(self.reader, self.config, key, run, group, instant)

    def dashboard(
        self,
        name: str,
        filters: Filters | None = None,
        *,
        panels: Iterable[str] | None = None,
    ) -> dict[str, pl.DataFrame]:
        """Dashboard `name`: its panels (all, or `panels`) as named frames."""
        return dashboards.query(self.reader, self.config, name, filters or Filters(), panels=panels)

    def report(self, out: str | Path, filters: Filters | None = None) -> Path:
        """Write the HTML report (every dashboard panel as a chart) to `out`, as of the last
        dashboards run (`read_as_of`)."""
        as_of = self.read_as_of("dashboards")
        return dashboards.write_report(
            self.reader, self.config, Path(out), filters or Filters(), as_of
        )

    def verify(self, sample: int = 1000, seed: int = 0) -> list[Check]:
        """Recompute a random sample of the stored aggregates from the raw events: one check
        each (check, sampled, drifted, example); `seed` picks the sample."""
        from gamify_analytics import verify as verify_mod

        return verify_mod.verify(self.reader, self.config, sample, seed)

    def status(
        self,
        schedule: Sequence[Scheduled] = (),
        *,
        now: datetime | None = None,
        last: int = STATUS_LAST_RUNS,
        grace: timedelta = STATUS_GRACE,
    ) -> Status:
        """The store's health for monitoring (docs/operations.md "Monitoring"): jobs against
        `schedule` (entries of `scheduler.load_schedule`), ingest, backlog, freshness, skew,
        leaderboard finalization and erasures; `healthy` is false when something alerts."""
        from gamify_analytics import status as status_mod

        return status_mod.status(
            self.reader, self.config, schedule, now=now, last=last, grace=grace
        )

    def rejects(self, limit: int = 1000) -> pl.DataFrame:
        """Rejected input rows: kind, source, line, field, reason (quoting the value), raw."""
        return self.reader.query("read/rejects", {"limit": limit})

    def duplicates(self, limit: int = 1000) -> pl.DataFrame:
        """Input rows that repeated a stored event: source, line, user_id, metric, event_id."""
        return self.reader.query("read/duplicates", {"limit": limit})

    def counts(self) -> pl.DataFrame:
        """Rows per stored table (events, users, rejects, daily aggregates)."""
        return self.reader.query("read/counts")
