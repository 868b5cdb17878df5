"""A set of 128-bit key hashes in memory, as (high, low) 64-bit halves.

Sorted runs merged as in a log-structured tree: a lookup searches O(log n) runs, and each hash
is merged O(log n) times (a stable sort of two sorted runs merges them in linear time). Runs
are sorted by the high half; the rare hashes that share one are told apart by the low half.
"""

from __future__ import annotations

import numpy as np


class KeySet:
    def __init__(self) -> None:
        self._runs: list[tuple[np.ndarray, np.ndarray]] = []

    def __len__(self) -> int:
        return sum(len(hi) for hi, _ in self._runs)

    def add(self, hashes: np.ndarray) -> None:
        """Add an (n, 2) uint64 array of (high, low) hashes."""
        if not len(hashes):
            return
        hi, lo = _sorted(hashes[:, 0], hashes[:, 1])
        while self._runs and len(self._runs[-1][0]) <= len(hi):
            hi0, lo0 = self._runs.pop()
            hi, lo = _sorted(np.concatenate([hi0, hi]), np.concatenate([lo0, lo]))
        self._runs.append((hi, lo))

    def contains(self, hashes: np.ndarray) -> np.ndarray:
        """Per row of an (n, 2) array, whether that hash is in the set. Looked up in sorted
        order: a run is then read front to back, not at random."""
        order = np.argsort(hashes[:, 0], kind="stable")
        q_hi, q_lo = hashes[order, 0], hashes[order, 1]
        found = np.zeros(len(hashes), dtype=bool)
        for hi, lo in self._runs:
            left = np.searchsorted(hi, q_hi, side="left")
            right = np.searchsorted(hi, q_hi, side="right")
            one = right - left == 1
            found[one] |= lo[left[one]] == q_lo[one]
            for i in np.flatnonzero(right - left > 1):  # a shared high half: about 1 in 2^64
                found[i] |= bool((lo[left[i] : right[i]] == q_lo[i]).any())
        out = np.empty_like(found)
        out[order] = found
        return out


def _sorted(hi: np.ndarray, lo: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    order = np.argsort(hi, kind="stable")
    return hi[order], lo[order]
