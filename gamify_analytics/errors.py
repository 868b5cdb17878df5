"""The failures worth a one-line message: the command line prints `gamify: error: <message>`
and exits 1 for any of them; anything else is a bug and shows its type."""

from __future__ import annotations


class GamifyError(Exception):
    """A failure the user can act on, said in one line."""


class ConfigError(GamifyError, ValueError):
    """A config problem, phrased as `file: entry: field: reason`."""


class InputError(GamifyError, ValueError):
    """An input file that cannot be read at all (rows with problems are rejects, not errors)."""


class StoreError(GamifyError, RuntimeError):
    """The store cannot do what was asked (cannot open, no schema, a refused run, …)."""


class StoreBusy(StoreError):
    """Another process holds the store, or another run holds a job: waiting may help."""


class NotRunYet(StoreError):
    """A read of what a job computes, before that job has ever run: its tables are empty, and
    an empty answer would look like a real one."""
