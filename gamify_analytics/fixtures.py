"""Synthetic events and users (`gamify fixtures generate`), shaped like real input (docs/input.md).

The model, per user (drawn once for the whole population, so a run is deterministic for a seed):

* an activity weight from a capped Pareto law (a few heavy users, a long tail), scaled so that
  the population averages `events_per_user_day` events per user per day;
* a two-state Markov chain over days (active / idle) whose stationary probability and
  day-to-day persistence vary by user, so streaks form and break;
* a sign-up instant (before the window, or inside it for new users) and, for some, a churn day;
* a home zone among ~60 IANA zones (DST-heavy and 30/45-minute ones included), a country that
  matches it, a usual hour of day and a device; about 3 % of users travel: for a stretch of days
  their events carry another zone, then the home zone again.

An event is drawn at a plausible local wall-clock time (07:00–24:00) of a local date, then turned
into a UTC instant with the pinned tz database's offsets (vectorised, two-pass local→UTC).
Events stay inside the UTC days `end - days + 1 … end`; an event that would fall outside (zones
far from UTC, first and last day) is moved by one day.

Randomness is drawn per block of `_BLOCK` users from its own stream, so `generate` and
`generate_parquet` produce the same rows (in different orders) whatever the chunk size, and
duplicates/malformed rows come from separate streams: with them switched off the clean rows are
exactly the same.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from queue import Queue

import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from gamify_analytics import tz as tzdb

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

DEFAULT_METRICS: tuple[str, ...] = ("lessons", "minutes", "quizzes")

#: (IANA zone, ISO country, relative share of users).
ZONES: tuple[tuple[str, str, float], ...] = (
    ("America/New_York", "US", 8.0),
    ("America/Chicago", "US", 5.0),
    ("America/Denver", "US", 2.0),
    ("America/Phoenix", "US", 1.0),
    ("America/Los_Angeles", "US", 6.0),
    ("America/Anchorage", "US", 0.3),
    ("Pacific/Honolulu", "US", 0.5),
    ("America/Toronto", "CA", 3.0),
    ("America/Vancouver", "CA", 1.5),
    ("America/St_Johns", "CA", 0.3),
    ("America/Havana", "CU", 0.3),
    ("America/Mexico_City", "MX", 3.0),
    ("America/Bogota", "CO", 1.5),
    ("America/Caracas", "VE", 0.7),
    ("America/Sao_Paulo", "BR", 5.0),
    ("America/Argentina/Buenos_Aires", "AR", 2.0),
    ("America/Santiago", "CL", 1.0),
    ("Europe/London", "GB", 6.0),
    ("Europe/Dublin", "IE", 1.0),
    ("Europe/Lisbon", "PT", 1.0),
    ("Europe/Madrid", "ES", 3.0),
    ("Europe/Paris", "FR", 4.0),
    ("Europe/Berlin", "DE", 5.0),
    ("Europe/Warsaw", "PL", 2.0),
    ("Europe/Kyiv", "UA", 1.5),
    ("Europe/Istanbul", "TR", 2.5),
    ("Europe/Moscow", "RU", 3.0),
    ("Africa/Casablanca", "MA", 1.0),
    ("Africa/Lagos", "NG", 2.0),
    ("Africa/Cairo", "EG", 2.0),
    ("Africa/Nairobi", "KE", 1.0),
    ("Africa/Johannesburg", "ZA", 1.5),
    ("Asia/Jerusalem", "IL", 0.8),
    ("Asia/Tehran", "IR", 1.5),
    ("Asia/Dubai", "AE", 1.0),
    ("Asia/Karachi", "PK", 2.0),
    ("Asia/Kolkata", "IN", 8.0),
    ("Asia/Kathmandu", "NP", 0.5),
    ("Asia/Dhaka", "BD", 1.5),
    ("Asia/Yangon", "MM", 0.5),
    ("Asia/Bangkok", "TH", 2.0),
    ("Asia/Jakarta", "ID", 3.0),
    ("Asia/Shanghai", "CN", 5.0),
    ("Asia/Manila", "PH", 2.5),
    ("Asia/Singapore", "SG", 1.0),
    ("Asia/Seoul", "KR", 2.5),
    ("Asia/Tokyo", "JP", 4.0),
    ("Australia/Perth", "AU", 0.5),
    ("Australia/Eucla", "AU", 0.05),
    ("Australia/Adelaide", "AU", 0.5),
    ("Australia/Brisbane", "AU", 0.7),
    ("Australia/Sydney", "AU", 1.5),
    ("Australia/Lord_Howe", "AU", 0.1),
    ("Pacific/Auckland", "NZ", 1.0),
    ("Pacific/Chatham", "NZ", 0.1),
    ("Pacific/Apia", "WS", 0.1),
    ("Pacific/Tongatapu", "TO", 0.1),
    ("Pacific/Kiritimati", "KI", 0.05),
    ("Pacific/Pago_Pago", "AS", 0.05),
    ("UTC", "IS", 0.3),
)

DEVICES: tuple[str, ...] = ("ios", "android", "web")
_DEVICE_SHARE = (0.45, 0.40, 0.15)

#: Kinds of malformed rows (each breaks exactly one field of an otherwise good row).
MALFORMED_KINDS: tuple[str, ...] = (
    "ts_without_offset",
    "ts_before_2000",
    "ts_far_future",
    "ts_garbage",
    "unknown_metric",
    "unknown_zone",
    "empty_user_id",
    "value_not_a_number",
    "value_nan",
    "value_infinite",
)

_BLOCK = 10_000  # users per random stream; fixed so output does not depend on chunk sizes
_DAY_MS = 86_400_000
_HOUR_MS = 3_600_000
_MIN_TS_MS = int(datetime(2000, 1, 1, tzinfo=UTC).timestamp() * 1000)
_TRAVEL_SHARE = 0.03
_ATTR_SHARE = 0.6  # events carrying `attr.device`
_RESEND_SHARE = 0.3  # duplicates re-sent later with another value (the first one must win)
_ISO_Z = "%Y-%m-%dT%H:%M:%S%.3fZ"
_ISO_NAIVE = "%Y-%m-%dT%H:%M:%S%.3f"

#: Share of events by local hour 7..23 (evening peak, smaller morning and lunch peaks).
_HOUR_WEIGHTS = np.array([3, 5, 4, 3, 3, 5, 5, 3, 3, 3, 4, 5, 7, 8, 8, 6, 3], dtype=np.float64)
_HOUR_WEIGHTS /= _HOUR_WEIGHTS.sum()


# --------------------------------------------------------------------------------------------
# Time-zone offsets, vectorised


@dataclass(frozen=True)
class _Offsets:
    keys: np.ndarray  # zone_index << 32 | (from_s - RANGE_START), sorted
    offs_ms: np.ndarray

    @classmethod
    def build(cls, names: Sequence[str]) -> _Offsets:
        keys: list[int] = []
        offs: list[int] = []
        for i, name in enumerate(names):
            for t, o in tzdb.transitions(name):
                keys.append((i << 32) | (t - tzdb.RANGE_START))
                offs.append(o * 1000)
        return cls(np.array(keys, dtype=np.int64), np.array(offs, dtype=np.int64))

    def at(self, zone: np.ndarray, utc_ms: np.ndarray) -> np.ndarray:
        """UTC offset (ms) of each zone at each UTC instant."""
        q = (zone.astype(np.int64) << 32) | (utc_ms // 1000 - tzdb.RANGE_START)
        return self.offs_ms[np.searchsorted(self.keys, q, side="right") - 1]

    def to_utc(self, zone: np.ndarray, local_ms: np.ndarray) -> np.ndarray:
        """Instants whose wall-clock time in `zone` is `local_ms` (exact outside DST gaps and
        overlaps; inside them, one of the neighbouring instants)."""
        guess = local_ms - self.at(zone, local_ms)
        return local_ms - self.at(zone, guess)


# --------------------------------------------------------------------------------------------
# The population plan


@dataclass
class _Plan:
    users: int
    days: int
    metrics: tuple[str, ...]
    metric_p: np.ndarray
    metric_kind: np.ndarray  # 0 generic count, 1 minutes
    start_day: int  # epoch day of the first date
    seed: int
    zones: tuple[str, ...]
    offsets: _Offsets
    user_ids: pl.Series
    home: np.ndarray  # zone index
    country: np.ndarray
    created_at: np.ndarray  # epoch ms
    first_day: np.ndarray  # first day index the user may be active
    last_day: np.ndarray  # last day index the user may be active
    p_active: np.ndarray
    stay: np.ndarray  # P(active | active yesterday)
    wake: np.ndarray  # P(active | idle yesterday)
    extra: np.ndarray  # mean events beyond the first on an active day
    habit_ms: np.ndarray  # usual local time of day
    device: np.ndarray
    trip_zone: np.ndarray  # -1: no trip
    trip_start: np.ndarray
    trip_end: np.ndarray  # exclusive day index

    @property
    def lo_ms(self) -> int:
        return self.start_day * _DAY_MS

    @property
    def hi_ms(self) -> int:
        return (self.start_day + self.days) * _DAY_MS

    @property
    def blocks(self) -> int:
        return -(-self.users // _BLOCK)


def _metric_probabilities(metrics: tuple[str, ...]) -> np.ndarray:
    if metrics == DEFAULT_METRICS:
        p = np.array([0.5, 0.35, 0.15])
    else:
        p = 1.0 / np.arange(1, len(metrics) + 1)
    return p / p.sum()


def _plan(
    users: int,
    days: int,
    metrics: Sequence[str],
    end: date | None,
    seed: int,
    events_per_user_day: float,
) -> _Plan:
    if users < 1 or days < 1:
        raise ValueError("users and days must be at least 1")
    if events_per_user_day < 0 or not math.isfinite(events_per_user_day):
        raise ValueError("events_per_user_day must be a finite number ≥ 0")
    metrics = tuple(metrics)
    if not metrics or len(set(metrics)) != len(metrics) or not all(metrics):
        raise ValueError("metrics must be non-empty, distinct, non-empty strings")
    today = datetime.now(UTC).date()
    end = today if end is None else end
    if end > today:
        raise ValueError(f"end {end} is after today ({today} UTC): events would be rejected")
    end_day = (end - date(1970, 1, 1)).days
    start_day = end_day - days + 1
    if start_day * _DAY_MS < _MIN_TS_MS:
        raise ValueError("the window starts before 2000-01-01: events would be rejected")

    rng = np.random.default_rng([seed, 0])
    zones = tuple(z for z, _, _ in ZONES)
    share = np.array([w for _, _, w in ZONES])
    home = rng.choice(len(zones), users, p=share / share.sum())
    # every zone is present as soon as there are enough users
    first = rng.permutation(users)[: min(users, len(zones))]
    home[first] = rng.permutation(len(zones))[: len(first)]
    country = np.array([c for _, c, _ in ZONES])[home]

    # sign-up and churn
    new_share = min(0.5, 0.1 + days / 730)
    is_new = rng.random(users) < new_share
    signup_day = rng.integers(0, days, users)
    lo_ms = start_day * _DAY_MS
    before = lo_ms - rng.integers(_DAY_MS, 730 * _DAY_MS, users)
    created_at = np.where(
        is_new,
        (start_day + signup_day) * _DAY_MS + rng.integers(0, 12 * _HOUR_MS, users),
        np.maximum(before, _MIN_TS_MS),
    )
    # events of a new user start the day after sign-up: local 07:00 of that date is after it
    first_day = np.where(is_new, signup_day + 1, 0)
    churns = rng.random(users) < 0.25
    churn_at = first_day + (rng.random(users) * (days - first_day)).astype(np.int64)
    last_day = np.where(churns, churn_at, days - 1)
    alive = np.clip(last_day - first_day + 1, 0, None)

    # activity: capped Pareto weights scaled to the target rate
    weight = np.minimum((1.0 - rng.random(users)) ** (-1.0 / 1.1), 100.0)
    total = float((weight * alive).sum())
    scale = users * days * events_per_user_day / total if total > 0 else 0.0
    lam = weight * scale
    p_active = np.minimum(-np.expm1(-lam), 0.97)
    with np.errstate(divide="ignore", invalid="ignore"):
        extra = np.where(p_active > 0, lam / p_active - 1.0, 0.0)
    extra = np.maximum(extra, 0.0)
    rho = rng.uniform(0.3, 0.9, users)  # day-to-day persistence; stationary P(active) = p
    stay = p_active + (1.0 - p_active) * rho
    wake = p_active * (1.0 - rho)

    hour = 7 + rng.choice(len(_HOUR_WEIGHTS), users, p=_HOUR_WEIGHTS)
    habit_ms = hour * _HOUR_MS + rng.integers(0, _HOUR_MS, users)
    device = rng.choice(len(DEVICES), users, p=_DEVICE_SHARE)

    # travellers: about 3 %, picked among the more active users (Gumbel top-k on p_active)
    n_trip = round(users * _TRAVEL_SHARE)
    trip_zone = np.full(users, -1, dtype=np.int64)
    trip_start = np.zeros(users, dtype=np.int64)
    trip_end = np.zeros(users, dtype=np.int64)
    if n_trip:
        key = np.log(p_active + 1e-12) + rng.gumbel(size=users)
        who = np.argpartition(-key, n_trip - 1)[:n_trip]
        other = rng.integers(1, len(zones), n_trip)
        trip_zone[who] = (home[who] + other) % len(zones)
        length = rng.integers(3, 15, n_trip)
        start = (rng.random(n_trip) * np.maximum(days - length, 1)).astype(np.int64)
        trip_start[who] = start
        trip_end[who] = start + length

    width = max(6, len(str(users - 1)))
    user_ids = pl.select(
        pl.concat_str(pl.lit("u"), pl.int_range(users).cast(pl.String).str.zfill(width))
    ).to_series()

    return _Plan(
        users=users,
        days=days,
        metrics=metrics,
        metric_p=_metric_probabilities(metrics),
        metric_kind=np.array([1 if "minute" in m.lower() else 0 for m in metrics]),
        start_day=start_day,
        seed=seed,
        zones=zones,
        offsets=_Offsets.build(zones),
        user_ids=user_ids,
        home=home,
        country=country,
        created_at=created_at.astype(np.int64),
        first_day=first_day,
        last_day=last_day,
        p_active=p_active.astype(np.float32),
        stay=stay.astype(np.float32),
        wake=wake.astype(np.float32),
        extra=extra,
        habit_ms=habit_ms,
        device=device,
        trip_zone=trip_zone,
        trip_start=trip_start,
        trip_end=trip_end,
    )


def _users_frame(plan: _Plan) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "user_id": plan.user_ids,
            "tz": pl.Series(plan.zones).gather(plan.home),
            "created_at": plan.created_at,
            "country": plan.country,
        },
        schema={
            "user_id": pl.String,
            "tz": pl.String,
            "created_at": pl.Int64,
            "country": pl.String,
        },
    )


# --------------------------------------------------------------------------------------------
# Events of one block of users


def _values(rng: np.random.Generator, kind: np.ndarray) -> np.ndarray:
    n = len(kind)
    r = rng.random(n)
    # counts: mostly 1, some 2..5, some quarters (2.5, 0.75 …), a few negative corrections
    count = np.ones(n)
    count = np.where(r < 0.20, rng.integers(2, 6, n).astype(np.float64), count)
    count = np.where(r < 0.09, rng.integers(1, 20, n) * 0.25, count)
    count = np.where(r < 0.015, -rng.choice(np.array([0.5, 1.0, 2.0]), n), count)
    # minutes: a geometric duration, sometimes with half a minute, rarely a negative correction
    minutes = np.minimum(rng.geometric(0.08, n), 120).astype(np.float64)
    minutes += np.where(r > 0.9, 0.5, 0.0)
    minutes = np.where(r < 0.01, -minutes, minutes)
    return np.where(kind == 1, minutes, count)


def _block_events(plan: _Plan, block: int, seq0: int) -> pl.DataFrame:
    """The clean events of one block of users, in generation order, in the compact form that
    `_materialize` turns into input columns: `_ts` (epoch ms), `_seq` (event number), `_u` (user
    index), `_m` (metric index), `_z` (zone index), `_dev` (device index, null: no attribute),
    `value`."""
    rng = np.random.default_rng([plan.seed, 1, block])
    u0 = block * _BLOCK
    u1 = min(plan.users, u0 + _BLOCK)
    n_u = u1 - u0
    sl = slice(u0, u1)

    # active days: Markov chain per user, masked by sign-up and churn
    stay, wake = plan.stay[sl], plan.wake[sl]
    state = rng.random(n_u, dtype=np.float32) < plan.p_active[sl]
    draws = rng.random((plan.days, n_u), dtype=np.float32)
    active = np.empty((n_u, plan.days), dtype=bool)
    for d in range(plan.days):
        state = draws[d] < np.where(state, stay, wake)
        active[:, d] = state
    del draws
    day = np.arange(plan.days)
    active &= day[None, :] >= plan.first_day[sl, None]
    active &= day[None, :] <= plan.last_day[sl, None]

    cu, cd = np.nonzero(active)
    del active
    count = 1 + rng.poisson(plan.extra[sl][cu])
    ev_u = np.repeat(cu + u0, count)
    ev_d = np.repeat(cd, count)
    n = len(ev_u)

    # zone of each event (travellers carry the trip zone during the trip)
    zone = plan.home[ev_u]
    trip = (
        (plan.trip_zone[ev_u] >= 0) & (ev_d >= plan.trip_start[ev_u]) & (ev_d < plan.trip_end[ev_u])
    )
    zone = np.where(trip, plan.trip_zone[ev_u], zone)

    # local time of day: around the user's habit, or the population's hourly profile
    habitual = plan.habit_ms[ev_u] + (rng.normal(0.0, 1.2, n) * _HOUR_MS).astype(np.int64)
    profile = (7 + rng.choice(len(_HOUR_WEIGHTS), n, p=_HOUR_WEIGHTS)) * _HOUR_MS
    profile += rng.integers(0, _HOUR_MS, n)
    tod = np.where(rng.random(n) < 0.6, habitual, profile)
    # reflect at 07:00 and midnight rather than clip, so no instant is over-represented
    tod = np.where(tod < 7 * _HOUR_MS, 14 * _HOUR_MS - tod, tod)
    tod = np.where(tod >= _DAY_MS, 2 * _DAY_MS - 1 - tod, tod)
    tod = np.clip(tod, 7 * _HOUR_MS, _DAY_MS - 1)
    local_ms = (plan.start_day + ev_d) * _DAY_MS + tod
    ts = plan.offsets.to_utc(zone, local_ms)
    # stay inside the window's UTC days (zones far from UTC on the first and last dates)
    ts = np.where(ts >= plan.hi_ms, ts - _DAY_MS, ts)
    ts = np.where(ts < plan.lo_ms, ts + _DAY_MS, ts)

    metric = rng.choice(len(plan.metrics), n, p=plan.metric_p)
    value = _values(rng, plan.metric_kind[metric])
    dev = np.where(rng.random(n) < 0.9, plan.device[ev_u], rng.integers(0, len(DEVICES), n))
    has_dev = rng.random(n) < _ATTR_SHARE

    return pl.DataFrame(
        {
            "_ts": ts,
            "_seq": np.arange(seq0, seq0 + n, dtype=np.int64),
            "_u": ev_u,
            "_m": metric,
            "_z": zone,
            "_dev": dev,
            "value": value,
        },
        schema=_COMPACT,
    ).with_columns(pl.when(pl.Series(has_dev)).then(pl.col("_dev")).alias("_dev"))


_COMPACT = {
    "_ts": pl.Int64,
    "_seq": pl.Int64,  # malformed rows: -1 - n, shown as event id `m<n>`
    "_u": pl.Int32,  # -1: empty user_id
    "_m": pl.Int16,  # -1: unknown metric
    "_z": pl.Int16,  # -1: unknown zone
    "_dev": pl.Int8,
    "value": pl.Float64,
}
_BAD = {"_ts_bad": pl.String, "_value_bad": pl.String}  # text of malformed ts / value


def _stochastic_round(rng: np.random.Generator, x: float) -> int:
    return math.floor(x + rng.random())


def _with_extras(
    plan: _Plan,
    block: int,
    clean: pl.DataFrame,
    duplicates: float,
    malformed: float,
    bad0: int,
) -> tuple[pl.DataFrame, int]:
    """Add duplicate rows, then malformed rows, after the clean rows of a block (each from its
    own random stream). Returns the frame and the number of malformed rows added."""
    n = clean.height
    parts = [clean]
    if duplicates > 0 and n:
        rng = np.random.default_rng([plan.seed, 2, block])
        k = _stochastic_round(rng, duplicates * n)
        src = np.sort(rng.integers(0, n, k))
        resend = rng.random(k) < _RESEND_SHARE
        delay = np.where(resend, rng.integers(1_000, 600_000, k), 0)
        dup = clean[src]
        late = np.minimum(dup["_ts"].to_numpy() + delay, plan.hi_ms - 1)
        late = np.maximum(late, dup["_ts"].to_numpy())
        dup = dup.with_columns(
            pl.Series("_ts", late, dtype=pl.Int64),
            pl.when(pl.Series(resend)).then(pl.col("value") + 1).otherwise("value"),
        )
        parts.append(dup)
    n_bad = 0
    if malformed > 0:
        rng = np.random.default_rng([plan.seed, 3, block])
        n_bad = _stochastic_round(rng, malformed * n) if n else 0
        parts = [p.with_columns(pl.lit(None, t).alias(c) for c, t in _BAD.items()) for p in parts]
        if n_bad:
            parts.append(_malformed(rng, clean, n_bad, bad0))
    return pl.concat(parts, how="vertical"), n_bad


def _malformed(rng: np.random.Generator, clean: pl.DataFrame, k: int, bad0: int) -> pl.DataFrame:
    """`k` copies of random clean rows, each with one field broken (see MALFORMED_KINDS)."""
    kind = pl.Series(rng.integers(0, len(MALFORMED_KINDS), k)).replace_strict(
        dict(enumerate(MALFORMED_KINDS)), return_dtype=pl.String
    )
    k_ = pl.col("_kind")
    naive = pl.from_epoch("_ts", time_unit="ms").dt.strftime(_ISO_NAIVE)
    return (
        clean[rng.integers(0, clean.height, k)]
        .with_columns(
            kind.alias("_kind"),
            pl.Series("_seq", -1 - np.arange(bad0, bad0 + k, dtype=np.int64)),
        )
        .with_columns(
            pl.when(k_ == "unknown_metric").then(-1).otherwise("_m").cast(pl.Int16).alias("_m"),
            pl.when(k_ == "unknown_zone").then(-1).otherwise("_z").cast(pl.Int16).alias("_z"),
            pl.when(k_ == "empty_user_id").then(-1).otherwise("_u").cast(pl.Int32).alias("_u"),
            pl.when(k_ == "ts_without_offset")
            .then(naive)
            .when(k_ == "ts_before_2000")
            .then(pl.lit("1999-12-31T23:59:59.000Z"))
            .when(k_ == "ts_far_future")
            .then(pl.lit("2099-01-01T00:00:00.000Z"))
            .when(k_ == "ts_garbage")
            .then(pl.lit("yesterday"))
            .alias("_ts_bad"),
            pl.when(k_ == "value_not_a_number")
            .then(pl.lit("abc"))
            .when(k_ == "value_nan")
            .then(pl.lit("NaN"))
            .when(k_ == "value_infinite")
            .then(pl.lit("inf"))
            .alias("_value_bad"),
        )
        .drop("_kind")
    )


def _lookup(names: Sequence[str] | pl.Series, index: pl.Series, missing: str) -> pl.Series:
    """names[index], `missing` where the index is -1, null where it is null."""
    table = pl.concat([pl.Series(names, dtype=pl.String), pl.Series([missing], dtype=pl.String)])
    return table.gather(index.cast(pl.Int32).replace(-1, len(names)))


def _materialize(plan: _Plan, frame: pl.DataFrame) -> pl.DataFrame:
    """Compact rows, ordered by `ts` (ties keep frame order: clean rows of earlier blocks first,
    duplicate and malformed rows after the clean rows of their block), as input columns."""
    frame = frame.sort("_ts", maintain_order=True)
    seq = pl.col("_seq")
    event_id = (
        pl.when(seq >= 0)
        .then(pl.concat_str(pl.lit("e"), seq.cast(pl.String)))
        .otherwise(pl.concat_str(pl.lit("m"), (-1 - seq).cast(pl.String)))
    )
    if "_ts_bad" in frame.columns:  # string ts and value, so that malformed text fits
        ts = pl.coalesce("_ts_bad", pl.from_epoch("_ts", time_unit="ms").dt.strftime(_ISO_Z))
        value = pl.coalesce("_value_bad", pl.col("value").cast(pl.String))
    else:
        ts, value = pl.col("_ts"), pl.col("value")
    user_id = _lookup(plan.user_ids, frame["_u"], "")
    return frame.select(
        event_id.alias("event_id"),
        pl.lit(user_id).alias("user_id"),
        pl.lit(_lookup(plan.metrics, frame["_m"], "unknown_metric")).alias("metric"),
        value.alias("value"),
        ts.alias("ts"),
        pl.lit(_lookup(plan.zones, frame["_z"], "Mars/Base")).alias("tz"),
        pl.lit(_lookup(DEVICES, frame["_dev"], "")).alias("attr.device"),
    )


def _blocks(
    plan: _Plan, duplicates: float, malformed: float, blocks: range
) -> Iterator[pl.DataFrame]:
    seq, bad = 0, 0
    for b in blocks:
        clean = _block_events(plan, b, seq)
        seq += clean.height
        frame, n_bad = _with_extras(plan, b, clean, duplicates, malformed, bad)
        bad += n_bad
        yield frame


def _check_fractions(duplicates: float, malformed: float) -> None:
    for name, v in (("duplicates", duplicates), ("malformed", malformed)):
        if not (0.0 <= v <= 10.0):
            raise ValueError(f"{name} must be a fraction ≥ 0, got {v}")


# --------------------------------------------------------------------------------------------
# Public API


def generate(
    users: int,
    days: int,
    *,
    metrics: Sequence[str] = DEFAULT_METRICS,
    end: date | None = None,
    seed: int = 0,
    duplicates: float = 0.0,
    malformed: float = 0.0,
    events_per_user_day: float = 1.0,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Return (events, users) frames.

    events: `event_id`, `user_id`, `metric`, `value` (Float64), `ts` (Int64 epoch ms, UTC), `tz`,
    `attr.device` (null for events without the attribute), ordered by `ts`; duplicates follow
    their original. With `malformed > 0`, `ts` (ISO-8601 with `Z`) and `value` are strings so
    that malformed rows (event ids `m<n>`) fit. users: `user_id`, `tz`, `created_at` (epoch ms),
    `country`.

    `duplicates` and `malformed` are fractions of extra rows relative to the clean events.
    """
    _check_fractions(duplicates, malformed)
    plan = _plan(users, days, metrics, end, seed, events_per_user_day)
    frames = list(_blocks(plan, duplicates, malformed, range(plan.blocks)))
    events = _materialize(plan, pl.concat(frames, how="vertical"))
    del frames
    return events, _users_frame(plan)


def iter_event_chunks(
    users: int,
    days: int,
    *,
    chunk_users: int = 50_000,
    metrics: Sequence[str] = DEFAULT_METRICS,
    end: date | None = None,
    seed: int = 0,
    duplicates: float = 0.0,
    malformed: float = 0.0,
    events_per_user_day: float = 1.0,
) -> tuple[pl.DataFrame, Iterator[pl.DataFrame]]:
    """The users frame and an iterator of event frames, one per `chunk_users` users (rounded
    to whole blocks of 10 000), each ordered by `ts`. Together they hold `generate`'s rows."""
    _check_fractions(duplicates, malformed)
    plan = _plan(users, days, metrics, end, seed, events_per_user_day)
    per = max(1, chunk_users // _BLOCK)

    def chunks() -> Iterator[pl.DataFrame]:
        buf: list[pl.DataFrame] = []
        for i, frame in enumerate(_blocks(plan, duplicates, malformed, range(plan.blocks))):
            buf.append(frame)
            if len(buf) == per or i == plan.blocks - 1:
                chunk = pl.concat(buf, how="vertical") if len(buf) > 1 else buf[0]
                buf = []
                yield _materialize(plan, chunk)

    return _users_frame(plan), chunks()


def users_path(out: str | Path) -> Path:
    """The users file written next to an events file: `<stem>.users.<suffix>`."""
    out = Path(out)
    return out.with_name(f"{out.stem}.users{out.suffix}")


def _format(out: Path) -> str:
    suffix = out.suffix.lower()
    if suffix == ".parquet":
        return "parquet"
    if suffix == ".csv":
        return "csv"
    if suffix in (".ndjson", ".jsonl"):
        return "ndjson"
    raise ValueError(f"{out}: unknown format {suffix!r} (use .parquet, .csv, .ndjson or .jsonl)")


def _ndjson_lines(events: pl.DataFrame) -> pl.DataFrame:
    """One JSON object per event; `attr.*` columns become an `attributes` object, left out when
    every attribute is null."""
    attrs = [c for c in events.columns if c.startswith("attr.")]
    core = [c for c in events.columns if c not in attrs]
    body = pl.struct(core).struct.json_encode()
    if events.schema.get("value") == pl.String:  # numbers stay JSON numbers; "abc", "NaN" stay text
        body = body.str.replace(r'"value":"(-?[0-9]+(?:\.[0-9]+)?)"', '"value":${1}')
    if not attrs:
        return events.select(body.alias("line"))
    fields = [pl.col(c).alias(c.removeprefix("attr.")) for c in attrs]
    attr_json = pl.struct(fields).struct.json_encode()
    # json_encode writes null fields as `null`; drop those pairs so absent attributes are absent
    for c in attrs:
        name = c.removeprefix("attr.")
        attr_json = attr_json.str.replace_all(f'"{name}":null,?', "", literal=False)
    attr_json = attr_json.str.replace(",}", "}", literal=True)
    any_attr = pl.any_horizontal([pl.col(c).is_not_null() for c in attrs])
    line = (
        pl.when(any_attr)
        .then(pl.concat_str(body.str.head(-1), pl.lit(',"attributes":'), attr_json, pl.lit("}")))
        .otherwise(body)
    )
    return events.select(line.alias("line"))


def _write_ndjson_events(events: pl.DataFrame, path: Path) -> None:
    # JSON text holds no raw newline, so each line goes out verbatim as a one-column CSV row
    with path.open("wb") as f:
        for off in range(0, events.height, 1_000_000):
            lines = _ndjson_lines(events.slice(off, 1_000_000))
            lines.write_csv(f, include_header=False, quote_style="never")


def _write_frame(frame: pl.DataFrame, path: Path, fmt: str, *, events: bool) -> None:
    if fmt == "parquet":
        frame.write_parquet(path, compression="zstd", row_group_size=1_000_000)
    elif fmt == "csv":
        frame.write_csv(path)
    elif events:
        _write_ndjson_events(frame, path)
    else:
        frame.write_ndjson(path)


def write(events: pl.DataFrame, users: pl.DataFrame, out: str | Path) -> tuple[Path, Path]:
    """Write events to `out` in the format its suffix names (.parquet, .csv, .ndjson/.jsonl) and
    users to a sibling file `<stem>.users.<same suffix>`; return both paths."""
    out = Path(out)
    fmt = _format(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    upath = users_path(out)
    _write_frame(events, out, fmt, events=True)
    _write_frame(users, upath, fmt, events=False)
    return out, upath


def generate_parquet(
    users: int,
    days: int,
    out: str | Path,
    *,
    seed: int = 0,
    chunk_users: int = 50_000,
    **kw,
) -> tuple[Path, Path]:
    """Write a large events Parquet file chunk by chunk (each chunk ordered by `ts`), plus the
    users file `<stem>.users.parquet`; memory stays bounded by a couple of chunks. Keyword
    arguments are those of `generate`; the rows are the same as `generate`'s."""
    out = Path(out)
    if _format(out) != "parquet":
        raise ValueError(f"{out}: generate_parquet writes .parquet files only")
    out.parent.mkdir(parents=True, exist_ok=True)
    users_frame, chunks = iter_event_chunks(users, days, seed=seed, chunk_users=chunk_users, **kw)
    upath = users_path(out)
    users_frame.write_parquet(upath, compression="zstd")
    tmp = out.with_name(out.name + ".tmp")
    # the writer runs in a thread (pyarrow releases the GIL) while the next chunk is generated
    queue: Queue[pa.Table | None] = Queue(maxsize=1)
    failure: list[BaseException] = []

    def drain() -> None:
        writer: pq.ParquetWriter | None = None
        try:
            while (table := queue.get()) is not None:
                if writer is None:
                    schema = table.schema
                    writer = pq.ParquetWriter(tmp, schema, compression="zstd")
                writer.write_table(table.cast(schema), row_group_size=1_000_000)
        except BaseException as exc:  # reported by the generating thread
            failure.append(exc)
            while queue.get() is not None:
                pass
        finally:
            if writer is not None:
                writer.close()

    thread = threading.Thread(target=drain, name="fixtures-parquet-writer", daemon=True)
    thread.start()
    try:
        try:
            for chunk in chunks:
                if failure:
                    break
                queue.put(chunk.to_arrow())
        finally:
            queue.put(None)
            thread.join()
        if failure:
            raise failure[0]
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    tmp.replace(out)
    return out, upath
