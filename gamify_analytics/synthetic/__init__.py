"""Synthetic events and users (`gamify fixtures generate`), shaped like real input
(docs/input.md): a population with heavy and light users, habits, churn, time zones and
travellers (`population`), its events block by block (`events`), and files (`files`)."""

from __future__ import annotations

from gamify_analytics.synthetic.events import generate, iter_event_chunks
from gamify_analytics.synthetic.files import generate_parquet, users_path, write
from gamify_analytics.synthetic.population import DEFAULT_METRICS, DEVICES, MALFORMED_KINDS, ZONES

__all__ = [
    "DEFAULT_METRICS",
    "DEVICES",
    "MALFORMED_KINDS",
    "ZONES",
    "generate",
    "generate_parquet",
    "iter_event_chunks",
    "users_path",
    "write",
]
