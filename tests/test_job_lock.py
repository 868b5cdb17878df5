"""One run of a job at a time: claims in `job_locks`, JobBusy, --wait, stale claims."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from gamify_analytics import jobs
from gamify_analytics.config import load
from gamify_analytics.engines import Engine, StoreError, connect, schema
from tests.helpers.stores import GOLDEN

CONFIG = load(GOLDEN / "config.toml")
GAMIFY = [sys.executable, "-c", "from gamify_analytics.cli import run; run()"]


def _iso(t: datetime) -> str:
    return t.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _ledger(engine: Engine) -> list[tuple[str, str]]:
    """(job, final status) of every run in the ledger."""
    table = engine.query_sql(
        f"SELECT job, argMax(status, version) AS s FROM {engine.database}.job_runs "
        "GROUP BY run_id, job ORDER BY job",
        {},
    )
    return list(zip(table.column("job").to_pylist(), table.column("s").to_pylist(), strict=True))


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


@pytest.fixture
def ch_dsn(ch_engine: Engine, chdb_root: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A DSN for more connections to `ch_engine`'s database. Embedded ClickHouse lets clients
    of one process share a store; the engine's probe for another process holding it (a flock
    on the store's `status` file, which this process holds) is skipped for them."""
    from gamify_analytics.engines import clickhouse

    monkeypatch.setattr(clickhouse, "_check_unlocked", lambda _path: None)
    return f"chdb://{chdb_root}?database={ch_engine.database}"


def test_a_live_claim_refuses_the_run_and_names_its_holder(engine: Engine) -> None:
    since = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=5)
    jobs.write_claim(engine, "streaks", "other-run", since, pid=os.getpid())
    with pytest.raises(jobs.JobBusy) as busy:
        jobs.run(engine, CONFIG, ["streaks"])
    assert isinstance(busy.value, StoreError)  # the CLI prints it in one line
    assert str(busy.value) == (
        f"job 'streaks' is already running: run other-run on host {jobs.HOST} "
        f"(pid {os.getpid()}) since {_iso(since)}"
    )
    assert busy.value.holder is not None and busy.value.holder.run_id == "other-run"
    assert _ledger(engine) == []  # refused before anything ran
    # the refused run withdrew its claim: the holder is the only live one
    assert [c.run_id for c in jobs.live_claims(engine, ["streaks"])] == ["other-run"]

    # all or nothing: a run of every job is refused too, and runs none of them
    with pytest.raises(jobs.JobBusy):
        jobs.run(engine, CONFIG)
    assert _ledger(engine) == []
    # other jobs are not held
    assert [r["job"] for r in jobs.run(engine, CONFIG, ["achievements"])] == ["achievements"]

    jobs.release(engine, {"streaks": "other-run"})
    assert [r["job"] for r in jobs.run(engine, CONFIG)] == list(jobs.JOBS)
    assert jobs.live_claims(engine, list(jobs.JOBS)) == []  # released at the end
    assert sorted(_ledger(engine)) == sorted(
        [("achievements", "ok"), *((job, "ok") for job in jobs.JOBS)]
    )


def test_a_failed_run_releases_its_claims(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*_args: object, **_kw: object) -> int:
        assert {c.job for c in jobs.live_claims(engine, list(jobs.JOBS))} == set(jobs.JOBS)
        raise RuntimeError("boom")

    monkeypatch.setitem(jobs.JOBS, "achievements", boom)
    with pytest.raises(RuntimeError, match="boom"):
        jobs.run(engine, CONFIG)
    assert jobs.live_claims(engine, list(jobs.JOBS)) == []
    assert sorted(_ledger(engine)) == [("achievements", "failed"), ("streaks", "ok")]


def test_stale_claims_do_not_block(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    now = datetime.now(UTC)
    jobs.write_claim(engine, "streaks", "dead-here", now, pid=_dead_pid())  # process gone
    jobs.write_claim(engine, "streaks", "too-old", now - timedelta(hours=7), host="elsewhere")
    jobs.write_claim(engine, "streaks", "done", now - timedelta(minutes=1), released=True)
    assert jobs.run(engine, CONFIG, ["streaks"])[0]["status"] == "ok"

    # another host's process cannot be checked: its claim holds until the TTL
    remote = now - timedelta(hours=1)
    jobs.write_claim(engine, "streaks", "remote", remote, host="elsewhere", pid=_dead_pid())
    with pytest.raises(jobs.JobBusy, match="run remote on host elsewhere"):
        jobs.run(engine, CONFIG, ["streaks"])
    assert jobs.run(engine, CONFIG, ["streaks"], ttl=timedelta(minutes=30))
    monkeypatch.setenv("GAMIFY_LOCK_TTL", str(30 * 60))
    assert jobs.run(engine, CONFIG, ["streaks"])


def test_wait_gives_up_after_the_timeout(engine: Engine) -> None:
    jobs.write_claim(engine, "points", "slow-run", datetime.now(UTC))
    t0 = time.monotonic()
    with pytest.raises(jobs.JobBusy, match=r"run slow-run .* \(still after waiting 0.4 s\)$"):
        jobs.run(engine, CONFIG, ["points"], wait=True, timeout=0.4)
    assert time.monotonic() - t0 < 60  # gave up, long before the default hour
    assert _ledger(engine) == []


def test_two_concurrent_runs_one_holds_and_the_other_waits(
    ch_engine: Engine, ch_dsn: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two connections to one store, two threads: never both inside the job."""
    entered, leave = threading.Event(), threading.Event()
    order: list[str] = []

    def slow(*_args: object, **_kw: object) -> int:
        name = threading.current_thread().name
        order.append(f"start {name}")
        entered.set()
        assert leave.wait(30)
        order.append(f"end {name}")
        return 0

    monkeypatch.setitem(jobs.JOBS, "streaks", slow)
    failures: list[BaseException] = []
    real_claim = jobs.locks.claim
    second_refused = threading.Event()

    def claim(*args: object, **kw: object) -> object:
        try:
            return real_claim(*args, **kw)  # type: ignore[arg-type]
        except jobs.JobBusy:
            if threading.current_thread().name == "second":
                second_refused.set()
            raise

    monkeypatch.setattr(jobs.locks, "claim", claim)

    def run(engine: Engine, **kw: object) -> None:
        try:
            jobs.run(engine, CONFIG, ["streaks"], **kw)  # type: ignore[arg-type]
        except BaseException as e:
            failures.append(e)

    with connect(ch_dsn) as other:
        first = threading.Thread(target=run, args=(ch_engine,), name="first")
        first.start()
        assert entered.wait(30)
        [holder] = jobs.live_claims(other, ["streaks"])
        with pytest.raises(jobs.JobBusy) as busy:
            jobs.run(other, CONFIG, ["streaks"])
        assert f"run {holder.run_id} on host {jobs.HOST} (pid {os.getpid()})" in str(busy.value)

        second = threading.Thread(
            target=run, args=(other,), kwargs={"wait": True, "timeout": 30}, name="second"
        )
        second.start()
        assert second_refused.wait(30)  # the second has tried, been refused, and waits
        assert order == ["start first"]
        leave.set()
        first.join(30)
        second.join(30)
    assert not failures
    assert order == ["start first", "end first", "start second", "end second"]


@pytest.mark.parametrize("settle", [0.0, 0.2], ids=["one-process-mutex", "server-settle"])
def test_racing_claims_never_both_hold(ch_engine: Engine, ch_dsn: str, settle: float) -> None:
    """Four connections claim the same job at once, round after round: at most one wins. With
    settle > 0 this is the protocol used against a server (no process-wide mutex)."""
    threads, rounds = 4, 6
    barrier = threading.Barrier(threads, timeout=60)
    winners: list[list[str]] = [[] for _ in range(rounds)]
    failures: list[BaseException] = []

    def contender(i: int) -> None:
        try:
            with connect(ch_dsn) as engine:
                for r in range(rounds):
                    run_id = f"r{r}-t{i}-{uuid.uuid4().hex[:6]}"
                    barrier.wait()
                    try:
                        claimed_at = jobs.claim(engine, {"streaks": run_id}, settle=settle)
                        winners[r].append(run_id)
                    except jobs.JobBusy:
                        claimed_at = None
                    barrier.wait()  # everyone has decided before the winner lets go
                    if claimed_at is not None:
                        jobs.release(engine, {"streaks": run_id}, claimed_at)
                    barrier.wait()
        except BaseException as e:
            failures.append(e)
            barrier.abort()

    workers = [threading.Thread(target=contender, args=(i,)) for i in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(120)
    assert not failures
    assert all(len(w) <= 1 for w in winners), winners
    if settle == 0:
        assert all(len(w) == 1 for w in winners), winners
    else:
        assert any(winners), winners


@pytest.fixture
def duck_store(tmp_path: Path) -> Iterator[str]:
    dsn = f"duckdb://{tmp_path / 'g.duckdb'}"
    with connect(dsn) as e:
        schema.migrate(e)
    yield dsn


def test_cli_run_refuses_a_busy_job_and_waits_for_it_with_wait(
    duck_store: str, tmp_path: Path
) -> None:
    base = [*GAMIFY, "--config", str(GOLDEN / "config.toml"), "--dsn", duck_store]
    since = datetime.now(UTC) - timedelta(seconds=30)
    with connect(duck_store) as e:  # a live claim of another run (this test's process)
        jobs.write_claim(e, "streaks", "held-by-test", since)
    r = subprocess.run(
        [*base, "run", "streaks"], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert r.returncode == 1
    assert r.stderr.splitlines() == [
        f"gamify: error: job 'streaks' is already running: run held-by-test on host "
        f"{jobs.HOST} (pid {os.getpid()}) since {_iso(since)}"
    ]

    waiting = subprocess.Popen(
        [*base, "run", "streaks", "--wait", "--format", "json"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    released: list[datetime] = []

    def release_later() -> None:
        """Once the waiting run has been refused at least once (the store is closed between
        its polls, so this process can open the DuckDB file)."""
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                e = connect(duck_store)
            except StoreError:
                time.sleep(0.02)
                continue
            with e:
                refused = e.query_sql(
                    "SELECT count(*) AS n FROM job_locks WHERE run_id <> 'held-by-test'", {}
                )
                if refused.column("n")[0].as_py():
                    released.append(datetime.now(UTC))
                    jobs.release(e, {"streaks": "held-by-test"}, since)
                    return
            time.sleep(0.1)

    releaser = threading.Thread(target=release_later)
    releaser.start()
    out, err = waiting.communicate(timeout=120)
    releaser.join(60)
    assert waiting.returncode == 0, err
    assert released
    [result] = json.loads(out)
    assert result["job"] == "streaks" and result["status"] == "ok"
    # it ran after the release (as_of defaults to when the run got its jobs)
    assert datetime.fromisoformat(result["as_of"]) >= released[0] - timedelta(milliseconds=1)
