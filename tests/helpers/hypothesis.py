"""The Hypothesis settings and runner shared by the property and fuzz tests: examples per
engine (a ClickHouse round trip costs more), no deadline (a store round trip is slow, not a
bug), and every example on one store, since chdb opens one store path per process."""

from __future__ import annotations

import itertools
from collections.abc import Callable

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gamify_analytics.api import Gamify
from gamify_analytics.config import Config
from tests.helpers.stores import engine_of

HEALTH = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example]


def budget(dsn: str, examples: dict[str, int]) -> settings:
    """The settings for a store of `dsn`'s engine: `examples[engine]` examples."""
    return examples_on(engine_of(dsn), examples)


def examples_on(engine: str, examples: dict[str, int]) -> settings:
    return settings(max_examples=examples[engine], deadline=None, suppress_health_check=HEALTH)


def run_examples(
    dsn: str,
    config: Config,
    examples: dict[str, int],
    example: Callable[[Gamify, st.DataObject, int], None],
) -> None:
    """`example(g, data, n)` draws and checks the n-th example on one store (its ids and keys
    carry n, so examples do not see each other's)."""
    counter = itertools.count()
    with Gamify(config, dsn) as g:
        g.init()

        @budget(dsn, examples)
        @given(st.data())
        def run(data: st.DataObject) -> None:
            example(g, data, next(counter))

        run()
