"""The ingest section: the history file loaded by `gamify ingest` beside the engine's bare
insert of the same Parquet file (the reference), the same file sent again (it stores nothing
new), and the rates of the text formats on a sample of it; one engine at a time."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import polars as pl

from gamify_analytics.api import Gamify
from gamify_analytics.bench.measure import peak_rss, remove, timed
from gamify_analytics.demo import load_demo_config
from gamify_analytics.engines import dsn as dsns
from gamify_analytics.synthetic import write

Log = Callable[[str], None]
#: Rows of the history written as CSV and as NDJSON for their rates.
TEXT_SAMPLE_ROWS = 1_000_000
TEXT_FORMATS = ("csv", "ndjson")


def text_samples(workdir: Path, history: Path) -> dict[str, Path]:
    """The first rows of the history as a CSV and an NDJSON file (written once)."""
    paths = {fmt: workdir / f"{history.stem}.sample.{fmt}" for fmt in TEXT_FORMATS}
    if not all(p.is_file() for p in paths.values()):
        events = pl.scan_parquet(history).head(TEXT_SAMPLE_ROWS).collect()
        users = pl.DataFrame(
            {"user_id": [], "tz": []}, schema={"user_id": pl.String, "tz": pl.String}
        )
        for path in paths.values():
            write(events, users, path)
    return paths


def bench_ingest(
    engine: str, history: Path, samples: dict[str, Path], workdir: Path, log: Log
) -> dict[str, float]:
    """Seconds of: the bare insert, the ingest, the same file again, and each text sample
    into a fresh store; with the events each stored."""
    out: dict[str, float] = {}
    store = workdir / f"store_ingest_{engine}"
    remove(store)
    with Gamify(load_demo_config(), dsns.of_engine(engine, store)) as g:
        g.init()
        # first: the file is then in the page cache for the ingest too
        log(f"[{engine}] bare insert of {history.name} (reference)")
        out["bare_insert_s"], _ = timed(
            lambda: g.engine.execute("bench/bare_insert", {"path": str(history.resolve())})
        )
        g.engine.execute("bench/bare_drop")
        log(f"[{engine}] ingest {history.name}")
        out["ingest_only_s"], first = timed(
            lambda: peak_rss(out, "ingest_only", lambda: g.ingest([history]))
        )
        out["ingest_only_events"] = first.accepted  # type: ignore[attr-defined]
        log(f"[{engine}] ingest {history.name} again")
        out["reingest_s"], again = timed(lambda: g.ingest([history]))
        out["reingest_new"] = again.accepted  # type: ignore[attr-defined]
        out["reingest_duplicates"] = again.duplicates  # type: ignore[attr-defined]
    remove(store)
    for fmt, path in samples.items():
        with Gamify(load_demo_config(), dsns.of_engine(engine, store)) as g:
            g.init()
            log(f"[{engine}] ingest {path.name}")
            out[f"{fmt}_s"], summary = timed(lambda g=g, path=path: g.ingest([path]))
            out[f"{fmt}_events"] = summary.accepted  # type: ignore[attr-defined]
        remove(store)
    log(f"[{engine}] " + ", ".join(f"{k}={v:.3f}" for k, v in out.items()))
    return out
