"""Events of a synthetic population, block by block (see `synthetic.population`)."""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from datetime import date

import numpy as np
import polars as pl

from gamify_analytics.synthetic.population import (
    ATTR_SHARE,
    BLOCK,
    DAY_MS,
    DEFAULT_METRICS,
    DEVICES,
    HOUR_MS,
    HOUR_WEIGHTS,
    ISO_NAIVE,
    ISO_Z,
    MALFORMED_KINDS,
    RESEND_SHARE,
    Plan,
    make_plan,
    users_frame,
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


def block_events(plan: Plan, block: int, seq0: int) -> pl.DataFrame:
    """The clean events of one block of users, in generation order, in the compact form that
    `_materialize` turns into input columns: `_ts` (epoch ms), `_seq` (event number), `_u` (user
    index), `_m` (metric index), `_z` (zone index), `_dev` (device index, null: no attribute),
    `value`."""
    rng = np.random.default_rng([plan.seed, 1, block])
    u0 = block * BLOCK
    u1 = min(plan.users, u0 + BLOCK)
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
    habitual = plan.habit_ms[ev_u] + (rng.normal(0.0, 1.2, n) * HOUR_MS).astype(np.int64)
    profile = (7 + rng.choice(len(HOUR_WEIGHTS), n, p=HOUR_WEIGHTS)) * HOUR_MS
    profile += rng.integers(0, HOUR_MS, n)
    tod = np.where(rng.random(n) < 0.6, habitual, profile)
    # reflect at 07:00 and midnight rather than clip, so no instant is over-represented
    tod = np.where(tod < 7 * HOUR_MS, 14 * HOUR_MS - tod, tod)
    tod = np.where(tod >= DAY_MS, 2 * DAY_MS - 1 - tod, tod)
    tod = np.clip(tod, 7 * HOUR_MS, DAY_MS - 1)
    local_ms = (plan.start_day + ev_d) * DAY_MS + tod
    ts = plan.offsets.to_utc(zone, local_ms)
    # stay inside the window's UTC days (zones far from UTC on the first and last dates)
    ts = np.where(ts >= plan.hi_ms, ts - DAY_MS, ts)
    ts = np.where(ts < plan.lo_ms, ts + DAY_MS, ts)

    metric = rng.choice(len(plan.metrics), n, p=plan.metric_p)
    value = _values(rng, plan.metric_kind[metric])
    dev = np.where(rng.random(n) < 0.9, plan.device[ev_u], rng.integers(0, len(DEVICES), n))
    has_dev = rng.random(n) < ATTR_SHARE

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
    plan: Plan,
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
        resend = rng.random(k) < RESEND_SHARE
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
    naive = pl.from_epoch("_ts", time_unit="ms").dt.strftime(ISO_NAIVE)
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


def materialize(plan: Plan, frame: pl.DataFrame) -> pl.DataFrame:
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
        ts = pl.coalesce("_ts_bad", pl.from_epoch("_ts", time_unit="ms").dt.strftime(ISO_Z))
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


def blocks(
    plan: Plan, duplicates: float, malformed: float, blocks: range
) -> Iterator[pl.DataFrame]:
    seq, bad = 0, 0
    for b in blocks:
        clean = block_events(plan, b, seq)
        seq += clean.height
        frame, n_bad = _with_extras(plan, b, clean, duplicates, malformed, bad)
        bad += n_bad
        yield frame


def check_fractions(duplicates: float, malformed: float) -> None:
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
    check_fractions(duplicates, malformed)
    plan = make_plan(users, days, metrics, end, seed, events_per_user_day)
    frames = list(blocks(plan, duplicates, malformed, range(plan.blocks)))
    events = materialize(plan, pl.concat(frames, how="vertical"))
    del frames
    return events, users_frame(plan)


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
    check_fractions(duplicates, malformed)
    plan = make_plan(users, days, metrics, end, seed, events_per_user_day)
    per = max(1, chunk_users // BLOCK)

    def chunks() -> Iterator[pl.DataFrame]:
        buf: list[pl.DataFrame] = []
        for i, frame in enumerate(blocks(plan, duplicates, malformed, range(plan.blocks))):
            buf.append(frame)
            if len(buf) == per or i == plan.blocks - 1:
                chunk = pl.concat(buf, how="vertical") if len(buf) > 1 else buf[0]
                buf = []
                yield materialize(plan, chunk)

    return users_frame(plan), chunks()
