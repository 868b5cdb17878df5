"""Prepare the next batch while the engine stores the current one.

Reading and validating a batch is Python and polars work; storing it is the engine's. Both
release the interpreter most of the time, so on two cores they overlap: the engine never waits
for the next batch. At most `depth` prepared batches wait (memory stays bounded), and a
consumer that stops early (an error, Ctrl-C) stops the producer.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from typing import TypeVar

T = TypeVar("T")
_DONE = object()
_POLL_SECONDS = 0.1


def prefetch(items: Iterator[T], depth: int = 1) -> Iterator[T]:
    """`items`, computed one ahead in a background thread; its exceptions reach the caller."""
    ready: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(item: object) -> bool:
        while not stop.is_set():
            try:
                ready.put(item, timeout=_POLL_SECONDS)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in items:
                if not put(item):
                    return
            put(_DONE)
        except BaseException as e:  # handed to the consumer, raised there
            put(e)

    worker = threading.Thread(target=produce, name="gamify-prefetch", daemon=True)
    worker.start()
    try:
        while True:
            item = ready.get()
            if item is _DONE:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        worker.join()
