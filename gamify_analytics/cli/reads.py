"""`gamify streaks`, `achievements`, `points`, `leaderboard`: what the jobs computed."""

from __future__ import annotations

from typing import Annotated

import typer

from gamify_analytics.cli.options import AsOfOpt, FormatOpt, UserOpt, as_of, day, store
from gamify_analytics.cli.output import Format, emit


def streaks(
    ctx: typer.Context,
    user: UserOpt = None,
    streak: Annotated[str | None, typer.Option("--streak", help="One streak key.")] = None,
    at: AsOfOpt = None,
    history: Annotated[bool, typer.Option(help="Per-period history instead.")] = False,
    fmt: FormatOpt = Format.table,
) -> None:
    """Streak state per user: length, longest, started, last period, freezes, status, expiry."""
    with store(ctx) as g:
        if history:
            emit(g.streak_history(streak, user=user, as_of=as_of(at)), fmt, title="history")
        else:
            emit(g.streaks(streak, user=user, as_of=as_of(at)), fmt, title="streaks")


def achievements(
    ctx: typer.Context,
    user: UserOpt = None,
    rarity: Annotated[bool, typer.Option(help="Completions and rarity per achievement.")] = False,
    fmt: FormatOpt = Format.table,
) -> None:
    """Completions (user_id, achievement, achieved_at, backdated), as the last job run stored."""
    with store(ctx) as g:
        if rarity:
            emit(g.rarity(), fmt, title="rarity")
        else:
            emit(g.achievements(user=user), fmt, title="achievements")


def points(
    ctx: typer.Context,
    user: UserOpt = None,
    ledger: Annotated[bool, typer.Option(help="The award ledger instead of totals.")] = False,
    system: Annotated[str | None, typer.Option("--system", help="One points system.")] = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Totals and levels per user and system (user_id, system, total, level), or the ledger."""
    with store(ctx) as g:
        if ledger:
            emit(g.ledger(system, user=user), fmt, title="ledger")
        else:
            emit(g.points(user=user, system=system), fmt, title="points")


def leaderboard(
    ctx: typer.Context,
    key: Annotated[str, typer.Argument(help="Leaderboard key.")],
    run: Annotated[str | None, typer.Option("--run", help="Run date (default: today's).")] = None,
    group: Annotated[str, typer.Option("--group", help="Breakdown group.")] = "",
    at: AsOfOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Standings of one run: {leaderboard, run, status, entries: [{rank, user_id, score}]}."""
    with store(ctx) as g:
        doc = g.leaderboard(key, day(run, "--run"), group, as_of(at))
    if fmt is Format.json:
        emit(doc, fmt)
        return
    title = f"{doc.leaderboard} {doc.run} ({doc.status}, {doc.late} late)"
    emit(doc.frame(), fmt, title=title)
