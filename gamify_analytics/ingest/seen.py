"""The keys one ingest has stored so far, kept in the process as 64-bit fingerprints.

Asking the engine which keys of a batch are stored reads the whole dedup index, so an ingest
that asked for every batch would read the index once per batch: its cost would grow with the
square of its size. A store that held no events when the ingest began can only hold keys this
ingest stored; a batch then asks the engine only about the keys whose fingerprint matches one
of them (real repeats, and a collision about once in 2^64 keys, which the engine's 128-bit
index answers exactly).
"""

from __future__ import annotations

import numpy as np
import polars as pl


def fingerprints(keys: pl.DataFrame) -> np.ndarray:
    """A 64-bit fingerprint of each row of `keys` (stable within a process, which is all a
    `SeenKeys` needs)."""
    return keys.hash_rows(seed=0).to_numpy()


class SeenKeys:
    """Sorted runs of fingerprints, merged as in a log-structured tree: a probe searches
    O(log n) runs, and each fingerprint is merged O(log n) times (timsort merges two sorted
    runs in linear time)."""

    def __init__(self) -> None:
        self._runs: list[np.ndarray] = []

    def add(self, fps: np.ndarray) -> None:
        if not len(fps):
            return
        run = np.sort(fps)
        while self._runs and len(self._runs[-1]) <= len(run):
            run = np.sort(np.concatenate([self._runs.pop(), run]), kind="stable")
        self._runs.append(run)

    def may_contain(self, fps: np.ndarray) -> np.ndarray:
        """True where a fingerprint is among those added (or collides with one). Searched in
        sorted order: a run is then read front to back, not at random."""
        order = np.argsort(fps, kind="stable")
        needles = fps[order]
        found = np.zeros(len(fps), dtype=bool)
        for run in self._runs:
            at = np.minimum(np.searchsorted(run, needles), len(run) - 1)
            found |= run[at] == needles
        out = np.empty_like(found)
        out[order] = found
        return out
