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

Randomness is drawn per block of `BLOCK` users from its own stream, so `generate` and
`generate_parquet` produce the same rows (in different orders) whatever the chunk size, and
duplicates/malformed rows come from separate streams: with them switched off the clean rows are
exactly the same.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

import numpy as np
import polars as pl

from gamify_analytics import tz as tzdb

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
DEVICE_SHARE = (0.45, 0.40, 0.15)

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

BLOCK = 10_000  # users per random stream; fixed so output does not depend on chunk sizes
DAY_MS = 86_400_000
HOUR_MS = 3_600_000
MIN_TS_MS = int(datetime(2000, 1, 1, tzinfo=UTC).timestamp() * 1000)
TRAVEL_SHARE = 0.03
ATTR_SHARE = 0.6  # events carrying `attr.device`
RESEND_SHARE = 0.3  # duplicates re-sent later with another value (the first one must win)
ISO_Z = "%Y-%m-%dT%H:%M:%S%.3fZ"
ISO_NAIVE = "%Y-%m-%dT%H:%M:%S%.3f"

#: Share of events by local hour 7..23 (evening peak, smaller morning and lunch peaks).
HOUR_WEIGHTS = np.array([3, 5, 4, 3, 3, 5, 5, 3, 3, 3, 4, 5, 7, 8, 8, 6, 3], dtype=np.float64)
HOUR_WEIGHTS /= HOUR_WEIGHTS.sum()


# --------------------------------------------------------------------------------------------
# Time-zone offsets, vectorised


@dataclass(frozen=True)
class Offsets:
    keys: np.ndarray  # zone_index << 32 | (from_s - RANGE_START), sorted
    offs_ms: np.ndarray

    @classmethod
    def build(cls, names: Sequence[str]) -> Offsets:
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
class Plan:
    users: int
    days: int
    metrics: tuple[str, ...]
    metric_p: np.ndarray
    metric_kind: np.ndarray  # 0 generic count, 1 minutes
    start_day: int  # epoch day of the first date
    seed: int
    zones: tuple[str, ...]
    offsets: Offsets
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
        return self.start_day * DAY_MS

    @property
    def hi_ms(self) -> int:
        return (self.start_day + self.days) * DAY_MS

    @property
    def blocks(self) -> int:
        return -(-self.users // BLOCK)


def _metric_probabilities(metrics: tuple[str, ...]) -> np.ndarray:
    if metrics == DEFAULT_METRICS:
        p = np.array([0.5, 0.35, 0.15])
    else:
        p = 1.0 / np.arange(1, len(metrics) + 1)
    return p / p.sum()


def make_plan(
    users: int,
    days: int,
    metrics: Sequence[str],
    end: date | None,
    seed: int,
    events_per_user_day: float,
) -> Plan:
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
    if start_day * DAY_MS < MIN_TS_MS:
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
    lo_ms = start_day * DAY_MS
    before = lo_ms - rng.integers(DAY_MS, 730 * DAY_MS, users)
    created_at = np.where(
        is_new,
        (start_day + signup_day) * DAY_MS + rng.integers(0, 12 * HOUR_MS, users),
        np.maximum(before, MIN_TS_MS),
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

    hour = 7 + rng.choice(len(HOUR_WEIGHTS), users, p=HOUR_WEIGHTS)
    habit_ms = hour * HOUR_MS + rng.integers(0, HOUR_MS, users)
    device = rng.choice(len(DEVICES), users, p=DEVICE_SHARE)

    # travellers: about 3 %, picked among the more active users (Gumbel top-k on p_active)
    n_trip = round(users * TRAVEL_SHARE)
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

    return Plan(
        users=users,
        days=days,
        metrics=metrics,
        metric_p=_metric_probabilities(metrics),
        metric_kind=np.array([1 if "minute" in m.lower() else 0 for m in metrics]),
        start_day=start_day,
        seed=seed,
        zones=zones,
        offsets=Offsets.build(zones),
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


def users_frame(plan: Plan) -> pl.DataFrame:
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
