"""A set of 128-bit key hashes in memory, as (high, low) 64-bit halves.

Sorted runs merged as in a log-structured tree: a lookup searches O(log n) runs, and each hash
is merged O(log n) times (a merge places the smaller run into the larger by binary search, in
linear time). Runs are sorted by the high half; the rare hashes that share one are told apart
by the low half. A bitmap of the high halves' top bits (about 8 bits a hash) answers most
misses without a search: a batch of new keys, the common case, costs a gather.
"""

from __future__ import annotations

import numpy as np

_U64 = np.uint64
#: Bitmap bits per stored hash (a miss passes the bitmap about once in 8).
_BITS_PER_HASH = 8
_MIN_BITS_LOG2 = 16


class KeySet:
    def __init__(self) -> None:
        self._runs: list[tuple[np.ndarray, np.ndarray]] = []
        self._size = 0
        self._bits_log2 = _MIN_BITS_LOG2
        self._bits = np.zeros(1 << (_MIN_BITS_LOG2 - 3), dtype=np.uint8)

    def __len__(self) -> int:
        return self._size

    def add(self, hashes: np.ndarray) -> None:
        """Add an (n, 2) uint64 array of (high, low) hashes."""
        if not len(hashes):
            return
        order = np.argsort(hashes[:, 0], kind="stable")
        hi, lo = hashes[order, 0], hashes[order, 1]
        while self._runs and len(self._runs[-1][0]) <= len(hi):
            hi, lo = _merge(*self._runs.pop(), hi, lo)
        self._runs.append((hi, lo))
        self._size += len(hashes)
        if self._size * _BITS_PER_HASH > (1 << self._bits_log2):
            self._rebuild_bitmap()
        else:
            self._mark(hashes[:, 0])

    def contains(self, hashes: np.ndarray) -> np.ndarray:
        """Per row of an (n, 2) array, whether that hash is in the set."""
        found = np.zeros(len(hashes), dtype=bool)
        maybe = np.flatnonzero(self._marked(hashes[:, 0]))
        if not len(maybe):
            return found
        # searched in sorted order: a run is then read front to back, not at random
        order = maybe[np.argsort(hashes[maybe, 0], kind="stable")]
        q_hi, q_lo = hashes[order, 0], hashes[order, 1]
        hit = np.zeros(len(order), dtype=bool)
        for hi, lo in self._runs:
            at = np.minimum(np.searchsorted(hi, q_hi), len(hi) - 1)
            same = hi[at] == q_hi
            hit |= same & (lo[at] == q_lo)
            # a high half shared with the next entry (about once in 2^64): compare them all
            shared = same & (at + 1 < len(hi))
            shared[shared] = hi[at[shared] + 1] == q_hi[shared]
            for i in np.flatnonzero(shared & ~hit):
                end = np.searchsorted(hi, q_hi[i], side="right")
                hit[i] = bool((lo[at[i] : end] == q_lo[i]).any())
        found[order] = hit
        return found

    def _slots(self, hi: np.ndarray) -> np.ndarray:
        return hi >> _U64(64 - self._bits_log2)

    def _mark(self, hi: np.ndarray) -> None:
        slots = self._slots(hi)
        np.bitwise_or.at(self._bits, slots >> _U64(3), (1 << (slots & _U64(7))).astype(np.uint8))

    def _marked(self, hi: np.ndarray) -> np.ndarray:
        slots = self._slots(hi)
        return (self._bits[slots >> _U64(3)] >> (slots & _U64(7)).astype(np.uint8)) & 1 == 1

    def _rebuild_bitmap(self) -> None:
        while self._size * _BITS_PER_HASH > (1 << self._bits_log2):
            self._bits_log2 += 1
        self._bits = np.zeros(1 << (self._bits_log2 - 3), dtype=np.uint8)
        for hi, _ in self._runs:
            self._mark(hi)


def _merge(
    a_hi: np.ndarray, a_lo: np.ndarray, b_hi: np.ndarray, b_lo: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Two runs sorted by the high half, as one: `b`'s places found by binary search in `a`."""
    at = np.searchsorted(a_hi, b_hi, side="right") + np.arange(len(b_hi))
    from_b = np.zeros(len(a_hi) + len(b_hi), dtype=bool)
    from_b[at] = True
    hi = np.empty(len(from_b), dtype=_U64)
    lo = np.empty(len(from_b), dtype=_U64)
    hi[at], lo[at] = b_hi, b_lo
    hi[~from_b], lo[~from_b] = a_hi, a_lo
    return hi, lo
