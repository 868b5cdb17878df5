"""`gamify streaks`, `achievements`, `points`, `leaderboard`: what the jobs computed.

Every read says which instant it answers for (docs/cli.md "As of"): the as-of of the last run
of the job that stores what it reads, unless `--as-of` says otherwise. Tables and CSV get a
line on stderr; JSON a field (`as_of` on each row, or beside the leaderboard's keys). A read
before that job ever ran stops with "no job has run yet: gamify run" instead of printing empty
results that look like real ones."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

import typer

from gamify_analytics import text
from gamify_analytics.cli.options import AsOfOpt, FormatOpt, UserOpt, as_of, day, store
from gamify_analytics.cli.output import Format, emit, note

if TYPE_CHECKING:
    import polars as pl


def said_as_of(instant: datetime, job: str, given: bool = False, *, option: bool = False) -> None:
    """The as-of a read used, on stderr (for tables and CSV; JSON carries it as a field);
    `option`: the command takes --as-of."""
    why = (
        "--as-of"
        if given
        else f"the last {job} run's" + ("; --as-of picks another instant" if option else "")
    )
    note(f"as of {text.instant(instant)} ({why})")


def rows_as_of(frame: pl.DataFrame, instant: datetime, fmt: Format) -> pl.DataFrame:
    """JSON rows carry the read's as-of (the document stays a list of rows)."""
    import polars as pl

    if fmt is not Format.json:
        return frame
    return frame.with_columns(as_of=pl.lit(instant).dt.cast_time_unit("ms"))


def streaks(
    ctx: typer.Context,
    user: UserOpt = None,
    streak: Annotated[str | None, typer.Option("--streak", help="One streak key.")] = None,
    at: AsOfOpt = None,
    history: Annotated[bool, typer.Option(help="Per-period history instead.")] = False,
    fmt: FormatOpt = Format.table,
) -> None:
    """Streak state per user: length, longest, started, last period, freezes, status, expiry."""
    given = as_of(at)
    with store(ctx) as g:
        instant = g.read_as_of("streaks", given)
        read = g.streak_history if history else g.streaks
        frame = read(streak, user=user, as_of=given)
    if fmt is not Format.json:
        said_as_of(instant, "streaks", given is not None, option=True)
    emit(rows_as_of(frame, instant, fmt), fmt, title="history" if history else "streaks")


def achievements(
    ctx: typer.Context,
    user: UserOpt = None,
    rarity: Annotated[bool, typer.Option(help="Completions and rarity per achievement.")] = False,
    fmt: FormatOpt = Format.table,
) -> None:
    """Completions (user_id, achievement, achieved_at, backdated), as the last job run stored."""
    with store(ctx) as g:
        instant = g.read_as_of("achievements")
        frame = g.rarity() if rarity else g.achievements(user=user)
    if fmt is not Format.json:
        said_as_of(instant, "achievements")
    emit(rows_as_of(frame, instant, fmt), fmt, title="rarity" if rarity else "achievements")


def points(
    ctx: typer.Context,
    user: UserOpt = None,
    ledger: Annotated[bool, typer.Option(help="The award ledger instead of totals.")] = False,
    system: Annotated[str | None, typer.Option("--system", help="One points system.")] = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Totals and levels per user and system (user_id, system, total, level), or the ledger."""
    with store(ctx) as g:
        instant = g.read_as_of("points")
        frame = g.ledger(system, user=user) if ledger else g.points(user=user, system=system)
    if fmt is not Format.json:
        said_as_of(instant, "points")
    emit(rows_as_of(frame, instant, fmt), fmt, title="ledger" if ledger else "points")


def leaderboard(
    ctx: typer.Context,
    key: Annotated[str, typer.Argument(help="Leaderboard key.")],
    run: Annotated[
        str | None, typer.Option("--run", help="Run date (default: the run holding the as-of).")
    ] = None,
    group: Annotated[str, typer.Option("--group", help="Breakdown group.")] = "",
    at: AsOfOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Standings of one run: {leaderboard, run, group, status, late, entries: [{rank, user_id,
    score, previous_rank, previous_score}], as_of}."""
    given = as_of(at)
    with store(ctx) as g:
        instant = g.read_as_of("leaderboards", given)
        doc = g.leaderboard(key, day(run, "--run"), group, instant)
    if fmt is Format.json:
        document: dict[str, Any] = {**doc.as_dict(), "as_of": instant}
        emit(document, fmt)
        return
    said_as_of(instant, "leaderboards", given is not None, option=True)
    title = f"{doc.leaderboard} {doc.run} ({doc.status}, {doc.late} late)"
    emit(doc.frame(), fmt, title=title)
