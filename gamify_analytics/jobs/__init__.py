"""Jobs (docs/jobs.md): run in dependency order, one run of a job at a time, every state
change in the run ledger, and forward in time only."""

from __future__ import annotations

from gamify_analytics.jobs.locks import HOST, JobBusy, claim, live_claims, release, write_claim
from gamify_analytics.jobs.runner import JOBS, AsOfRefused, JobResult, run

__all__ = [
    "HOST",
    "JOBS",
    "AsOfRefused",
    "JobBusy",
    "JobResult",
    "claim",
    "live_claims",
    "release",
    "run",
    "write_claim",
]
