"""Which rows of a batch are new events: repeats of (user_id, metric, event_id) are dropped;
the first row of a key within a batch wins, and anything already stored wins over the batch.

Asking the engine which keys of a batch are stored reads its whole dedup index (the keys are
hashed, so a batch's keys fall in every part of it), so an ingest that asked for each batch
would pay a read of the index per batch. Instead:

- into a store that held no events when the ingest began, only keys this ingest stored can
  repeat: it keeps their 64-bit fingerprints, and asks the engine only about the keys whose
  fingerprint matches one (real repeats, or a collision about once in 2^64 keys, which the
  engine's exact index answers);
- into a store that held events, the first batch asks the engine about each key; from the
  second on, an engine that keeps its index as hashes (`Engine.stored_key_hashes`) has it read
  once into memory, and each batch's keys are hashed by the engine and looked up there;
- with other writers (a server), every batch asks the engine about each key: what they store
  meanwhile counts too.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from gamify_analytics.engines import Engine
from gamify_analytics.ingest.keyset import KeySet

KEY = ("user_id", "metric", "event_id")


class Dedup:
    def __init__(self, engine: Engine):
        self.engine = engine
        #: whether any key may be stored that this ingest did not store
        self.ask_engine = engine.concurrent_writers or bool(engine.scalar("ingest/has_events"))
        #: keys stored by this ingest (fingerprints), or all stored keys (`exact`)
        self.keys = KeySet()
        self.exact = False
        self.batches = 0
        self._pending = np.empty((0, 2), dtype=np.uint64)

    def new_events(self, good: pl.DataFrame) -> pl.DataFrame:
        """The rows of a validated batch to store; `stored` must follow once they are."""
        first = good.filter(pl.struct(KEY).is_first_distinct())
        keys = first.select(KEY)
        self.batches += 1
        if self.batches == 2 and self.ask_engine and not self.engine.concurrent_writers:
            stored = self.engine.stored_key_hashes()
            if stored is not None:
                self.keys.add(stored)
                self.exact = True
        if self.exact:
            hashes = self.engine.key_hashes(keys)
            known = self.keys.contains(hashes)
        else:
            hashes = fingerprints(keys)
            ask = (
                np.ones(len(hashes), dtype=bool) if self.ask_engine else self.keys.contains(hashes)
            )
            known = self._stored(keys, ask)
        self._pending = hashes[~known]
        return first.filter(~known)

    def stored(self) -> None:
        """The rows `new_events` returned are stored: later batches must see their keys."""
        if self.exact or not self.ask_engine:
            self.keys.add(self._pending)
        self._pending = self._pending[:0]

    def _stored(self, keys: pl.DataFrame, ask: np.ndarray) -> np.ndarray:
        """Which keys the engine holds, asking it only about those where `ask` is true."""
        known = np.zeros(keys.height, dtype=bool)
        if ask.any():
            asked = keys.with_row_index("i").filter(ask)
            known[self.engine.existing_keys(asked).to_numpy()] = True
        return known


def fingerprints(keys: pl.DataFrame) -> np.ndarray:
    """A 64-bit fingerprint of each key, as (fingerprint, 0) rows; stable within a process,
    which is all it is used for."""
    fps = keys.hash_rows(seed=0).to_numpy()
    return np.column_stack([fps, np.zeros_like(fps)])
