"""The ingest's in-process parts: the set of key hashes it keeps (`KeySet`), and the batch
prepared while the previous one is stored (`prefetch`)."""

from __future__ import annotations

import threading

import numpy as np
import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from gamify_analytics.ingest.dedup import fingerprints
from gamify_analytics.ingest.keyset import KeySet
from gamify_analytics.ingest.prefetch import prefetch

u64 = st.integers(min_value=0, max_value=2**64 - 1)
#: high halves from few (hashes sharing one, told apart by the low half, are common) or from
#: all (most lookups end at the bitmap)
hashes = st.tuples(st.one_of(st.integers(min_value=0, max_value=3), u64), u64)


def _array(pairs: list[tuple[int, int]]) -> np.ndarray:
    return np.array(pairs, dtype=np.uint64).reshape(-1, 2)


@given(st.lists(st.lists(hashes, max_size=40), max_size=40), st.lists(hashes, max_size=40))
def test_key_set_finds_exactly_what_was_added(
    batches: list[list[tuple[int, int]]], probe: list[tuple[int, int]]
) -> None:
    """Hashes added in any sizes are found, and nothing else is: the runs merge and the bitmap
    grows as they are added, so a wrong merge or bitmap loses or invents one; a high half
    shared by many must not hide a low."""
    keys = KeySet()
    added: set[tuple[int, int]] = set()
    for batch in batches:
        keys.add(_array(batch))
        added.update(batch)
    queries = probe + sorted(added)
    assert keys.contains(_array(queries)).tolist() == [q in added for q in queries]


def test_key_set_past_its_first_bitmap() -> None:
    """Enough hashes that the bitmap is rebuilt larger, twice: all are still found."""
    rng = np.random.default_rng(7)  # fixed seed: the same hashes every run
    added = rng.integers(0, 2**63, size=(40_000, 2), dtype=np.int64).astype(np.uint64) * 2
    keys = KeySet()
    for batch in np.array_split(added, 9):
        keys.add(batch)
    assert len(keys) == len(added)
    assert keys.contains(added).all()
    assert not keys.contains(added + np.uint64(1)).any()  # odd: never added


def test_fingerprints_tell_keys_apart_by_field() -> None:
    """("ab", "c") and ("a", "bc") are different keys: each field is hashed on its own."""
    keys = pl.DataFrame({"user_id": ["ab", "a"], "metric": ["c", "bc"], "event_id": ["x", "x"]})
    first, second = fingerprints(keys)[:, 0].tolist()
    assert first != second
    assert fingerprints(keys)[:, 0].tolist() == [first, second]  # stable within the process


def test_prefetch_keeps_order_and_runs_ahead() -> None:
    produced: list[int] = []
    ahead = threading.Event()

    def items():
        for i in range(5):
            produced.append(i)
            if i == 1:
                ahead.set()
            yield i

    out = []
    for item in prefetch(items()):
        if item == 0:
            assert ahead.wait(timeout=30)  # the next item is prepared while this one is used
        out.append(item)
    assert out == [0, 1, 2, 3, 4]


def test_prefetch_raises_the_producers_error_in_order() -> None:
    def items():
        yield 1
        raise ValueError("bad row")

    got = []
    with pytest.raises(ValueError, match="bad row"):
        for item in prefetch(items()):
            got.append(item)
    assert got == [1]


def test_a_consumer_that_stops_stops_the_producer() -> None:
    produced: list[int] = []

    def items():
        for i in range(1000):
            produced.append(i)
            yield i

    stream = prefetch(items())
    assert next(stream) == 0
    stream.close()  # waits for the producer to stop
    assert len(produced) <= 3  # the one used, the one waiting, the one being put
