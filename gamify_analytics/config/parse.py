"""Checking a decoded `gamify.toml`: every field checked, every error naming file, entry and
field in one line (docs/configuration.md)."""

from __future__ import annotations

import math
import re
from decimal import Decimal
from typing import Any

from gamify_analytics.config.model import (
    Achievement,
    Condition,
    Config,
    Dashboards,
    Freezes,
    Leaderboard,
    Level,
    PointsSystem,
    Streak,
    Trigger,
)
from gamify_analytics.engines.base import check_identifier
from gamify_analytics.errors import ConfigError

KEY = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.\-]{0,127}\Z")
FREQUENCIES = ("daily", "weekly", "monthly")
PERIODS = (*FREQUENCIES, "perpetual")
#: Bounds of numeric fields (docs/configuration.md). Decimal fields have event values' bound:
#: an award of points × (value ÷ per) then stays below 10^30, inside Decimal(38, 6).
DECIMAL_LIMIT = 10**12
#: Counts (freezes, lengths, participants): far beyond any real use, and small enough that
#: the period arithmetic built on them stays within 32-bit integers.
COUNT_LIMIT = 1_000_000
#: A run may finalize at most about eleven years after it ends (the due instant stays a valid
#: timestamp on every engine).
MAX_FINALIZE_HOURS = 100_000


class _Entry:
    """Reads fields of one table of the file, raising errors that say where."""

    def __init__(self, path: str, where: str, raw: Any):
        self.path, self.where = path, where
        if not isinstance(raw, dict):
            self.fail(None, f"expected a table, got {type(raw).__name__}")
        self.raw: dict[str, Any] = raw

    def fail(self, name: str | None, reason: str):
        loc = f"{self.path}: {self.where}" + (f": {name}" if name else "")
        raise ConfigError(f"{loc}: {reason}")

    def get(
        self,
        name: str,
        kind: type | tuple[type, ...],
        default: Any = ...,
        *,
        choices=None,
    ):
        if name not in self.raw:
            if default is ...:
                self.fail(name, "is required")
            return default
        value = self.raw[name]
        if isinstance(value, bool) and bool not in (kind if isinstance(kind, tuple) else (kind,)):
            self.fail(name, f"expected {_kind_name(kind)}, got a boolean")
        if not isinstance(value, kind):
            self.fail(name, f"expected {_kind_name(kind)}, got {type(value).__name__}")
        if choices is not None and value not in choices:
            self.fail(name, f"{value!r} is not one of {', '.join(choices)}")
        return value

    def key(self, name: str = "key") -> str:
        value = self.get(name, str)
        if not KEY.match(value):
            self.fail(name, f"{value!r} is not a valid key (letters, digits, _ . -)")
        return value

    def number(
        self,
        name: str,
        default: Any = ...,
        *,
        low: float = -DECIMAL_LIMIT,
        high: float = DECIMAL_LIMIT,
        above: bool = False,
    ) -> Any:
        """A decimal field: finite, in [low, high] (above low with `above`), and exact to 6
        decimal places, as the engines store it (Decimal(38, 6))."""
        value = self.get(name, NUM, default)
        if value is None:
            return None
        self._in_range(name, value, low, high, above)
        if isinstance(value, float) and Decimal(repr(value)).as_tuple().exponent < -6:
            self.fail(name, f"{value!r} has more than 6 decimal places")
        return value

    def count(self, name: str, default: Any = ..., *, low: int = 0, high: int = COUNT_LIMIT):
        """A whole-number field in [low, high]."""
        value = self.get(name, int, default)
        if value is not None:
            self._in_range(name, value, low, high, False)
        return value

    def _in_range(self, name: str, value: float, low: float, high: float, above: bool) -> None:
        if not math.isfinite(value):
            self.fail(name, f"must be a finite number, got {value!r}")
        if value < low or (above and value == low) or value > high:
            bound = f"> {_plain(low)}" if above else f">= {_plain(low)}"
            self.fail(name, f"must be {bound} and <= {_plain(high)}, got {_plain(value)}")

    def unknown(self, allowed: set[str]):
        for name in self.raw:
            if name not in allowed:
                self.fail(name, "unknown field")


def _kind_name(kind) -> str:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    names = {
        int: "an integer",
        float: "a number",
        str: "a string",
        list: "a list",
        dict: "a table",
    }
    return " or ".join(names.get(k, k.__name__) for k in kinds)


NUM = (int, float)


def _plain(value: float) -> str:
    """A bound or a value as a user wrote it (`1e+18`, not `1000000000000000000`)."""
    return f"{value:g}" if abs(value) >= 1e16 else str(value)


def parse(raw: dict[str, Any], path: str = "<config>") -> Config:
    """Validate a decoded TOML document into a `Config`."""
    top = _Entry(path, "(top level)", raw)
    top.unknown(
        {"storage", "metrics", "streaks", "achievements", "points", "leaderboards", "dashboards"}
    )
    storage = _Entry(path, "[storage]", raw.get("storage", {}))
    storage.unknown({"dsn", "cluster"})
    dsn = storage.get("dsn", str, None)
    cluster = storage.get("cluster", str, None)
    if cluster is not None:
        try:
            check_identifier(cluster, f"{path}: [storage]: cluster")
        except ConfigError as e:
            raise ConfigError(str(e)) from None

    metrics = tuple(
        _unique(path, "metrics", [_metric(path, i, m) for i, m in _items(top, "metrics")])
    )
    streaks = tuple(_streak(path, i, s, metrics) for i, s in _items(top, "streaks"))
    _unique(path, "streaks", [s.key for s in streaks])
    achievements = tuple(
        _achievement(path, i, a, metrics, streaks) for i, a in _items(top, "achievements")
    )
    _check_requires(path, achievements)
    points = tuple(
        _points(path, i, p, metrics, streaks, achievements) for i, p in _items(top, "points")
    )
    _unique(path, "points", [p.key for p in points])
    boards = tuple(
        _leaderboard(path, i, b, metrics, streaks, points) for i, b in _items(top, "leaderboards")
    )
    _unique(path, "leaderboards", [b.key for b in boards])
    dashboards = _dashboards(_Entry(path, "[dashboards]", raw.get("dashboards", {})))
    return Config(path, dsn, cluster, metrics, streaks, achievements, points, boards, dashboards)


def _dashboards(e: _Entry) -> Dashboards:
    e.unknown({"dimensions", "metric_rollups"})
    return Dashboards(_attribute_names(e, "dimensions"), e.get("metric_rollups", bool, True))


def _attribute_names(e: _Entry, name: str) -> tuple[str, ...]:
    """A list of user attribute names, each at most once."""
    names = e.get(name, list, [])
    for a in names:
        if not isinstance(a, str) or not KEY.match(a):
            e.fail(name, f"{a!r} is not a valid attribute name")
    if len(set(names)) != len(names):
        e.fail(name, "lists an attribute twice")
    return tuple(names)


def _items(top: _Entry, name: str):
    value = top.get(name, list, [])
    return enumerate(value)


def _unique(path: str, section: str, keys: list[str]) -> list[str]:
    seen: set[str] = set()
    for i, k in enumerate(keys):
        if k in seen:
            raise ConfigError(f"{path}: {section}[{i}] ({k}): key: duplicate key {k!r}")
        seen.add(k)
    return keys


def _where(section: str, i: int, raw: Any) -> str:
    key = raw.get("key") if isinstance(raw, dict) else None
    return f"{section}[{i}]" + (f" ({key})" if isinstance(key, str) else "")


def _metric(path: str, i: int, raw: Any) -> str:
    e = _Entry(path, _where("metrics", i, raw), raw)
    e.unknown({"key", "description", "unit"})
    return e.key()


def _known(e: _Entry, name: str, value: str, known, what: str) -> str:
    if value not in known:
        e.fail(name, f"unknown {what} {value!r}")
    return value


def _streak(path: str, i: int, raw: Any, metrics) -> Streak:
    e = _Entry(path, _where("streaks", i, raw), raw)
    e.unknown({"key", "frequency", "conditions", "mode", "freezes"})
    conds = []
    for j, c in enumerate(e.get("conditions", list)):
        ce = _Entry(path, f"{e.where}: conditions[{j}]", c)
        ce.unknown({"metric", "threshold"})
        metric = _known(ce, "metric", ce.get("metric", str), metrics, "metric")
        conds.append(Condition(metric, ce.number("threshold", 1, low=0)))
    if not conds:
        e.fail("conditions", "needs at least one condition")
    fz = _Entry(path, f"{e.where}: freezes", e.get("freezes", dict, {}))
    fz.unknown({"initial", "max", "earn_every", "earn_amount"})
    freezes = Freezes(
        fz.count("initial", 0),
        fz.count("max", 0),
        fz.count("earn_every", 0),
        fz.count("earn_amount", 1),
    )
    if freezes.initial > freezes.max:
        fz.fail("initial", f"{freezes.initial} exceeds max ({freezes.max}): the balance never does")
    return Streak(
        e.key(),
        e.get("frequency", str, choices=FREQUENCIES),
        tuple(conds),
        e.get("mode", str, "all", choices=("all", "any")),
        freezes,
    )


def _achievement(path: str, i: int, raw: Any, metrics, streaks) -> Achievement:
    e = _Entry(path, _where("achievements", i, raw), raw)
    kind = e.get("kind", str, choices=("metric", "streak", "period", "composite"))
    common = {"key", "kind", "description"}
    filters = tuple(sorted((str(k), str(v)) for k, v in e.get("filters", dict, {}).items()))
    key = e.key()
    if filters and kind not in ("metric", "period"):
        # docs/achievements.md: a filtered streak would be another streak; define that one
        e.fail("filters", f"only metric and period achievements take filters, not {kind}")
    if kind in ("metric", "period"):
        e.unknown(
            common
            | {"filters", "metric", "threshold"}
            | ({"period"} if kind == "period" else set())
        )
        metric = _known(e, "metric", e.get("metric", str), metrics, "metric")
        period = e.get("period", str, choices=FREQUENCIES) if kind == "period" else None
        return Achievement(key, kind, metric, e.number("threshold"), period=period, filters=filters)
    if kind == "streak":
        e.unknown(common | {"streak", "length"})
        streak = _known(e, "streak", e.get("streak", str), {s.key for s in streaks}, "streak")
        return Achievement(key, kind, streak=streak, length=e.count("length", low=1))
    e.unknown(common | {"requires"})
    requires = e.get("requires", list)
    if not requires or not all(isinstance(r, str) for r in requires):
        e.fail("requires", "must be a non-empty list of achievement keys")
    return Achievement(key, kind, requires=tuple(requires))


def _check_requires(path: str, achievements: tuple[Achievement, ...]) -> None:
    keys = _unique(path, "achievements", [a.key for a in achievements])
    index = {a.key: a for a in achievements}
    for i, a in enumerate(achievements):
        for r in a.requires:
            if r not in index:
                raise ConfigError(
                    f"{path}: achievements[{i}] ({a.key}): requires: unknown achievement {r!r}"
                )
    state: dict[str, int] = {}

    def visit(k: str, i: int) -> None:
        if state.get(k) == 1:
            raise ConfigError(f"{path}: achievements[{i}] ({k}): requires: cycle through {k!r}")
        if state.get(k) == 2:
            return
        state[k] = 1
        for r in index[k].requires:
            visit(r, keys.index(r))
        state[k] = 2

    for i, k in enumerate(keys):
        visit(k, i)


def _points(path: str, i: int, raw: Any, metrics, streaks, achievements) -> PointsSystem:
    e = _Entry(path, _where("points", i, raw), raw)
    e.unknown({"key", "triggers", "max_points", "levels"})
    triggers = []
    for j, t in enumerate(e.get("triggers", list)):
        te = _Entry(path, f"{e.where}: triggers[{j}]", t)
        pts = te.number("points")
        if "metric" in t:
            te.unknown({"metric", "points", "per"})
            metric = _known(te, "metric", te.get("metric", str), metrics, "metric")
            per = te.number("per", 1, low=0, above=True)
            triggers.append(Trigger(pts, metric=metric, per=per))
        elif "achievement" in t:
            te.unknown({"achievement", "points"})
            ach = te.get("achievement", str)
            _known(te, "achievement", ach, {a.key for a in achievements}, "achievement")
            triggers.append(Trigger(pts, achievement=ach))
        elif "streak" in t:
            te.unknown({"streak", "length", "points"})
            st = _known(te, "streak", te.get("streak", str), {s.key for s in streaks}, "streak")
            triggers.append(Trigger(pts, streak=st, length=te.count("length", low=1)))
        else:
            te.fail(None, "a trigger needs one of metric, achievement, streak")
    levels = []
    for j, lv in enumerate(e.get("levels", list, [])):
        le = _Entry(path, f"{e.where}: levels[{j}]", lv)
        le.unknown({"key", "points"})
        levels.append(Level(le.key(), le.number("points")))
    return PointsSystem(
        e.key(), tuple(triggers), e.number("max_points", None, low=0), tuple(levels)
    )


def _leaderboard(path: str, i: int, raw: Any, metrics, streaks, points) -> Leaderboard:
    e = _Entry(path, _where("leaderboards", i, raw), raw)
    e.unknown(
        {
            "key",
            "rank_by",
            "period",
            "max_participants",
            "breakdown",
            "finalize_after_hours",
        }
    )
    rank_by = e.get("rank_by", str)
    kind, _, ref = rank_by.partition(":")
    known = {
        "metric": metrics,
        "points": {p.key for p in points},
        "streak": {s.key for s in streaks},
    }
    if kind not in known or ref not in known[kind]:
        e.fail(
            "rank_by",
            f"{rank_by!r} is not metric:KEY, points:KEY or streak:KEY of this config",
        )
    period = e.get("period", str, "perpetual" if kind == "streak" else ..., choices=PERIODS)
    if kind == "streak" and period != "perpetual":
        e.fail("period", "streak leaderboards are perpetual")
    cap = e.count("max_participants", 1000, low=1)
    breakdown = _attribute_names(e, "breakdown")
    return Leaderboard(
        e.key(),
        rank_by,
        period,
        cap,
        breakdown,
        e.number("finalize_after_hours", 12, low=0, high=MAX_FINALIZE_HOURS),
    )
