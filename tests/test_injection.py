"""Hostile text never changes the SQL that runs (issue #7), on both engines.

Values reach SQL only as bound parameters: user ids, event ids, event and user attribute keys
and values, achievement filter keys and values, dashboard `--attr` filters, leaderboard groups
and `--user` arguments. Each engine runs the same scenario twice, once with plain values and
once with hostile ones of the same shape (SQL, quotes, backslashes, Jinja, ClickHouse and
DuckDB parameter syntax, percent formats, rich markup, control characters, unicode), through
the API and the command line; every SQL text handed to the engine (and, for ClickHouse, to the
driver's wire) is recorded, and the two runs must have sent the very same texts. The hostile
values must come back exactly as written, and every table must still be there.

Names reach SQL text only as validated identifiers (database, cluster) and config keys are
bound too; the config parser must reject hostile ones with an error naming the field, and the
patterns must not be able to express any of it.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import polars as pl
import pytest
from clickhouse_connect.driver._backend.chdb_backend import ChdbBackend
from typer.testing import CliRunner

from gamify_analytics.api import Gamify
from gamify_analytics.cli import app
from gamify_analytics.cli.output import Format, emit
from gamify_analytics.config import ConfigError, load, parse
from gamify_analytics.config.parse import KEY
from gamify_analytics.dashboards import NAMES, Filters
from gamify_analytics.engines import connect
from gamify_analytics.engines.base import IDENTIFIER
from gamify_analytics.engines.clickhouse import ClickHouseEngine
from gamify_analytics.engines.duckdb import DuckDBEngine
from tests.helpers.stores import ENGINE_PARAMS, StoreFactory

#: slow: every command and read with hostile values
pytestmark = pytest.mark.slow

#: Every kind of text that could change a statement if it were pasted into one.
HOSTILE = (
    "'; DROP TABLE events; --",
    "' OR '1'='1",
    'say "hi"',
    "back`tick`",
    "back\\slash\\",
    "\\'",
    "\\N",
    "{{ 7*7 }}",
    "{% raw %}",
    "{#",
    "{x:String}",
    "$1",
    "?",
    "$user",
    "%(user)s %s %",
    "[/]x[bold]:thumbs_up:",
    "nul\x00byte",
    "new\nline",
    "tab\there\rcr",
    "naïve 日本語 🎉",
)
AS_OF = datetime(2024, 3, 20, tzinfo=UTC)
NOW_MS = int(AS_OF.timestamp() * 1000)
FIRST = date(2024, 3, 1)
#: Consecutive days of events of each user (six users).
DAYS = (2, 3, 4, 2, 3, 4)


@dataclass(frozen=True)
class Vocab:
    """Every piece of text one scenario uses; the plain and hostile ones have the same shape."""

    #: metric, streak, filtered achievement, streak achievement, points system, two levels,
    #: leaderboard, breakdown attribute: config keys (the hostile ones as far as KEY allows).
    keys: tuple[str, ...]
    users: tuple[str, ...]  # user ids (no control characters: those are rejected)
    groups: tuple[str, ...]  # values of the breakdown attribute: users 0-1, 2-3, 4-5
    #: event attribute key, the value the filtered achievement counts, another value
    attr: tuple[str, str, str]
    #: a second user attribute (key, value) that only user 2 has
    extra: tuple[str, str]
    event_tag: str  # event ids are f"{event_tag}|{user}|{day}"
    bad_user: str  # a user id with a control character: rejected in both files

    def event_id(self, i: int, d: int) -> str:
        return f"{self.event_tag}|{i}|{d}"


PLAIN = Vocab(
    keys=("lessons", "daily", "two_ios", "four_days", "xp", "bronze", "silver", "board", "country"),
    users=("u0", "u1", "u2", "u3", "u4", "u5"),
    groups=("US", "NZ", "FR"),
    attr=("device", "ios", "web"),
    extra=("lang", "en"),
    event_tag="e",
    bad_user="bad\x01user",
)
EVIL = Vocab(
    keys=("l--1.x", "d--.-", "_--a", "a.-s", "x--p", "b--0", "s--1", "lb--.", "c--.t"),
    users=(
        "'; DROP TABLE events; --",
        "' OR '1'='1",
        'q"d`b\\s\\',
        "{{ 7*7 }}{% raw %}{#",
        "{x:String}$1?%(user)s%s\\N",
        "naïve 日本語 🎉[/]:thumbs_up:",
    ),
    groups=("'); DROP TABLE users; --", "tab\tnl\nnul\x00cr\r\\'", "{{ 7*7 }}{% raw %}{#"),
    attr=("'; DROP TABLE events; --\x00", "' OR '1'='1\n{x:String}", "$1 ? %s {#"),
    extra=('k"`\\{#\n$1', "v\\N\t{{ 1 }}"),
    event_tag="'; DROP TABLE events; --\x00\n{{ 7*7 }}$1?{x:String}\\",
    bad_user="nul\x00'; DROP TABLE events; --",
)


def toml_str(value: str) -> str:
    """A TOML basic string (JSON escapes, minus the surrogate pairs TOML has no use for)."""
    return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")


def config_text(v: Vocab) -> str:
    metric, streak, two, four, xp, lo, hi, board, country = v.keys
    return f"""
[[metrics]]
key = "{metric}"

[[streaks]]
key = "{streak}"
frequency = "daily"
conditions = [{{ metric = "{metric}" }}]

[[achievements]]
key = "{two}"
kind = "metric"
metric = "{metric}"
threshold = 2
filters = {{ {toml_str(v.attr[0])} = {toml_str(v.attr[1])} }}

[[achievements]]
key = "{four}"
kind = "streak"
streak = "{streak}"
length = 4

[[points]]
key = "{xp}"
triggers = [{{ metric = "{metric}", points = 10 }}, {{ achievement = "{two}", points = 50 }}]
levels = [{{ key = "{lo}", points = 0 }}, {{ key = "{hi}", points = 60 }}]

[[leaderboards]]
key = "{board}"
rank_by = "metric:{metric}"
period = "daily"
breakdown = ["{country}"]
finalize_after_hours = 1
"""


def event_rows(v: Vocab) -> list[dict[str, Any]]:
    rows = []
    for i, (user, days) in enumerate(zip(v.users, DAYS, strict=True)):
        for d in range(days):
            day = FIRST.toordinal() + d
            attrs = {v.attr[0]: v.attr[1] if d % 2 == 0 else v.attr[2]}
            if i == 2:
                attrs[v.extra[0]] = v.extra[1]
            rows.append(
                {
                    "event_id": v.event_id(i, d),
                    "user_id": user,
                    "metric": v.keys[0],
                    "ts": f"{date.fromordinal(day).isoformat()}T12:00:00Z",
                    "attributes": attrs,
                }
            )
    return rows


def user_attrs(v: Vocab) -> dict[str, dict[str, str]]:
    return {
        u: {v.keys[8]: v.groups[i // 2], **(dict([v.extra]) if i == 2 else {})}
        for i, u in enumerate(v.users)
    }


def write_inputs(v: Vocab, folder: Path) -> tuple[Path, Path, Path, str, list[str]]:
    """config.toml, events.ndjson (one row rejected), users.csv (one row rejected); also the
    raw text of the two rejected rows."""
    folder.mkdir(parents=True, exist_ok=True)
    config = folder / "config.toml"
    config.write_text(config_text(v), encoding="utf-8")
    bad_event = json.dumps(
        {"event_id": "x", "user_id": v.bad_user, "metric": v.keys[0], "ts": "2024-03-01T00:00Z"},
        ensure_ascii=False,
    )
    lines = [json.dumps(r, ensure_ascii=False) for r in event_rows(v)] + [bad_event]
    events = folder / "events.ndjson"
    events.write_text("\n".join(lines) + "\n", encoding="utf-8")
    header = ["user_id", "tz", v.keys[8], v.extra[0]]
    records = [[u, "UTC", a[v.keys[8]], a.get(v.extra[0], "")] for u, a in user_attrs(v).items()]
    records.append([v.bad_user, "UTC", v.groups[0], ""])
    users = folder / "users.csv"
    frame = pl.DataFrame(records, schema=header, orient="row")
    users.write_text(frame.write_csv(), encoding="utf-8")
    return config, events, users, bad_event, [",".join(records[-1])]


# --- recording every SQL text -------------------------------------------------------------------


@dataclass
class Recorder:
    """SQL texts as the engines got them (`engine`) and, for chdb, as clickhouse-connect handed
    them to the embedded server after binding (`wire`)."""

    engine: list[str] = field(default_factory=list)
    wire: list[str] = field(default_factory=list)
    params: list[Any] = field(default_factory=list)


@pytest.fixture(scope="module")
def recorder() -> Iterator[Recorder]:
    """Wraps the statement entry points of both engines (class level, so the stores the CLI
    opens are recorded too)."""
    rec = Recorder()
    mp = pytest.MonkeyPatch()

    def wrap(cls: type, name: str, log: Callable[[Any, tuple], None]) -> None:
        original = getattr(cls, name)

        def recorded(self: Any, *args: Any, **kwargs: Any) -> Any:
            log(self, args)
            return original(self, *args, **kwargs)

        mp.setattr(cls, name, recorded)

    def on_engine(_self: Any, args: tuple) -> None:
        rec.engine.append(args[0])
        rec.params.extend(_flat(args[1]))

    def on_wire(_self: Any, args: tuple) -> None:
        sql = args[0]
        rec.wire.append(sql.decode() if isinstance(sql, bytes) else sql)

    for cls in (ClickHouseEngine, DuckDBEngine):
        wrap(cls, "run_sql", on_engine)
        wrap(cls, "query_sql", on_engine)
    wrap(ChdbBackend, "_query_locked", on_wire)
    wrap(ChdbBackend, "_open_stream", on_wire)
    yield rec
    mp.undo()


def _flat(params: Any) -> Iterator[Any]:
    for value in params.values():
        yield from (value if isinstance(value, list) else [value])


def normalized(texts: list[str], database: str | None) -> list[str]:
    """The texts with what legitimately differs between two stores made equal."""
    out = []
    for t in texts:
        t = t.replace(database, "<db>") if database else t
        t = re.sub(r"ingest_stage_[0-9a-f]{32}", "ingest_stage_<uuid>", t)
        # an ingest batch's dedup token is the SHA-256 of its data: hex digits, whatever the data
        t = re.sub(r"insert_deduplication_token = '[0-9a-f]{64}'", "<token>", t)
        # chdb inserts read Arrow data from a temporary file
        out.append(re.sub(r"FROM INFILE '[^']*'", "FROM INFILE '<file>'", t))
    return out


# --- the scenario -------------------------------------------------------------------------------


@dataclass
class Outcome:
    """What one scenario sent and got back."""

    vocab: Vocab
    database: str
    #: the client library that carried the statements (its wire is recorded for chdb)
    driver: str
    engine_sql: list[str]
    wire_sql: list[str]
    cli_sql: list[str]
    cli_wire_sql: list[str]
    params: list[Any]
    tables_before: set[str]
    tables_after: set[str]
    counts: dict[str, int]
    events: list[dict[str, Any]]
    users: dict[str, dict[str, str]]
    rejects: list[dict[str, Any]]
    streaks: dict[str, list[dict[str, Any]]]
    achievements: dict[str, list[dict[str, Any]]]
    points: dict[str, list[dict[str, Any]]]
    ledger: dict[str, list[dict[str, Any]]]
    boards: dict[str, dict[str, Any]]
    dashboards: dict[str, dict[str, pl.DataFrame]]
    cli: dict[str, Any]
    bad_event_raw: str
    bad_user_raw: list[str]


def dashboard_filters(v: Vocab) -> Filters:
    """Users of the second group that have the extra attribute: user 2 only."""
    return Filters(
        date_from=FIRST,
        date_to=date(2024, 3, 10),
        attributes=((v.keys[8], v.groups[1]), v.extra),
    )


def tables(g: Gamify) -> set[str]:
    return set(g.engine.tables())


def attrs_dict(value: Any) -> dict[str, str]:
    """A map as read back: a dict, or a list of key/value structs or pairs."""
    if isinstance(value, dict):
        return value
    return {(a["key"] if isinstance(a, dict) else a[0]): (
        a["value"] if isinstance(a, dict) else a[1]) for a in value or []}  # fmt: skip


def cli(base: list[str], *args: str) -> Any:
    """Run one command in-process; its output (JSON parsed when asked for)."""
    result = CliRunner().invoke(app, [*base, *args])
    assert result.exit_code == 0, (args, result.output, result.exception)
    return json.loads(result.stdout) if "json" in args else result.stdout


def scenario(v: Vocab, dsn: str, folder: Path, rec: Recorder) -> Outcome:
    config_path, events, users, bad_event, bad_user = write_inputs(v, folder)
    config = load(config_path)
    _, streak, _, _, _, _, _, board, _ = v.keys
    rec.engine.clear()
    rec.wire.clear()
    rec.params.clear()
    with Gamify(config, dsn) as g:
        g.init()
        before = tables(g)
        g.ingest([events], users, now_ms=NOW_MS)
        g.run(as_of=AS_OF)
        out: dict[str, Any] = {"streaks": {}, "achievements": {}, "points": {}, "ledger": {}}
        for u in (*v.users, v.bad_user):
            out["streaks"][u] = g.streaks(streak, user=u, as_of=AS_OF).to_dicts()
            out["achievements"][u] = g.achievements(user=u).to_dicts()
            out["points"][u] = g.points(user=u).to_dicts()
            out["ledger"][u] = g.ledger(user=u).to_dicts()
        boards = {grp: g.leaderboard(board, FIRST, grp, AS_OF) for grp in v.groups}
        dashboards = {n: g.dashboard(n, dashboard_filters(v)) for n in NAMES}
        rejects = g.rejects().to_dicts()
        counts = dict(g.counts().iter_rows())
        engine_sql, wire_sql, params = list(rec.engine), list(rec.wire), list(rec.params)
        stored = g.engine.query("read/events").to_dicts()
        stored_users = {
            r["user_id"]: attrs_dict(r["attributes"])
            for r in g.engine.query("read/users").to_dicts()
        }
        database, driver = g.engine.database, g.engine.driver
    # The command line, with arguments as a shell would pass them (argv cannot hold NUL).
    base = ["--config", str(config_path), "--dsn", dsn]
    rec.engine.clear()
    rec.wire.clear()
    group, country = v.groups[0], v.keys[8]
    window = ["--from", FIRST.isoformat(), "--to", "2024-03-10", "--format", "json"]
    as_of = AS_OF.isoformat()
    out_cli = {
        "streaks": [cli(base, "streaks", "--user", u, "--as-of", as_of, "--format", "json")
                    for u in v.users],
        "achievements": [cli(base, "achievements", "--user", u, "--format", "json")
                         for u in v.users],
        "points": [cli(base, "points", "--user", u, "--format", "json") for u in v.users],
        "ledger": cli(base, "points", "--ledger", "--user", v.users[2], "--format", "json"),
        "table": cli(base, "points", "--user", v.users[5]),
        "csv": cli(base, "achievements", "--user", v.users[2], "--format", "csv"),
        "board": cli(base, "leaderboard", board, "--run", FIRST.isoformat(), "--group",
                     group, "--as-of", as_of, "--format", "json"),
        "by_group": cli(base, "dashboard", "overview", *window, "--attr",
                        f"{country}={v.groups[2]}"),
        "by_extra": cli(base, "dashboard", "overview", *window, "--attr", "=".join(v.extra)),
    }  # fmt: skip
    cli_sql, cli_wire_sql = list(rec.engine), list(rec.wire)
    with Gamify(config, dsn) as g:
        after = tables(g)
    return Outcome(
        v, database, driver, engine_sql, wire_sql, cli_sql, cli_wire_sql, params, before, after,
        counts, stored, stored_users, rejects, out["streaks"], out["achievements"], out["points"],
        out["ledger"], boards, dashboards, out_cli, bad_event, bad_user,
    )  # fmt: skip


@pytest.fixture(scope="module", params=ENGINE_PARAMS)
def runs(
    request: pytest.FixtureRequest,
    chdb_root: Path,
    tmp_path_factory: pytest.TempPathFactory,
    recorder: Recorder,
) -> Iterator[tuple[Outcome, Outcome]]:
    """The plain and the hostile scenario on one engine, each in a store of its own."""
    folder = tmp_path_factory.mktemp(f"inject_{request.param}")
    stores = StoreFactory(request.param, chdb_root, folder)
    try:
        yield (
            scenario(PLAIN, stores.new(), folder / "plain", recorder),
            scenario(EVIL, stores.new(), folder / "evil", recorder),
        )
    finally:
        stores.drop()


# --- values: the same SQL, the values back as data ----------------------------------------------


def test_hostile_values_send_the_same_sql(runs: tuple[Outcome, Outcome]) -> None:
    plain, evil = runs
    assert len(plain.engine_sql) > 100 and len(plain.cli_sql) > 20
    for attr in ("engine_sql", "wire_sql", "cli_sql", "cli_wire_sql"):
        got = normalized(getattr(evil, attr), evil.database)
        want = normalized(getattr(plain, attr), plain.database)
        assert got == want, attr
    if plain.driver == "clickhouse-connect":
        assert len(plain.wire_sql) >= len(plain.engine_sql)
        assert len(plain.cli_wire_sql) >= len(plain.cli_sql)
    # and they did travel, as parameters
    sent = {p for p in evil.params if isinstance(p, str)}
    for value in (*evil.vocab.users, *evil.vocab.groups, evil.vocab.attr[0], evil.vocab.attr[1]):
        assert value in sent, value


def test_no_hostile_text_is_in_any_statement(runs: tuple[Outcome, Outcome]) -> None:
    _, evil = runs
    v = evil.vocab
    markers = [*v.users, *v.groups, *v.attr, *v.extra, v.event_tag, *HOSTILE]
    texts = evil.engine_sql + evil.wire_sql + evil.cli_sql
    for m in markers:
        # (`$user` is a placeholder of the DuckDB templates: that one is meant to be there)
        if len(m) > 2 and m != "$user":
            assert not any(m in t for t in texts), m


def test_hostile_values_are_stored_exactly(runs: tuple[Outcome, Outcome]) -> None:
    for o in runs:
        v = o.vocab
        want = sorted(
            (r["user_id"], r["event_id"], json.dumps(r["attributes"], sort_keys=True))
            for r in event_rows(v)
        )
        got = sorted(
            (r["user_id"], r["event_id"], json.dumps(attrs_dict(r["attributes"]), sort_keys=True))
            for r in o.events
        )
        assert got == want
        assert o.users == user_attrs(v)
        raws = {(r["kind"], r["field"]): r["raw"] for r in o.rejects}
        assert raws == {
            ("event", "user_id"): o.bad_event_raw,
            ("user", "user_id"): o.bad_user_raw[0],
        }
        for r in o.rejects:  # the value is quoted, its control characters escaped
            assert r["reason"].startswith('user_id: contains control characters: "'), r
            assert not any(unicodedata.category(c) == "Cc" for c in r["reason"]), r
        assert o.counts == {"daily_metrics": sum(DAYS), "events": sum(DAYS), "rejects": 2,
                            "users": 6}  # fmt: skip


def test_jobs_and_reads_treat_hostile_values_as_data(runs: tuple[Outcome, Outcome]) -> None:
    """The filtered achievement counts the events whose hostile attribute matches; every read
    of one user returns that user; each group of the board holds its users."""
    for o in runs:
        v = o.vocab
        _, streak, two, four, xp, lo, hi, _, _ = v.keys
        for i, u in enumerate(v.users):
            days = DAYS[i]
            st = o.streaks[u]
            assert [(r["user_id"], r["streak"], r["longest"]) for r in st] == [(u, streak, days)]
            done = {r["achievement"] for r in o.achievements[u]}
            assert {r["user_id"] for r in o.achievements[u]} <= {u}
            assert done == {a for a, n in ((two, 3), (four, 4)) if days >= n}
            total = 10 * days + 50 * (days >= 3)
            assert [(r["user_id"], r["system"], r["total"], r["level"]) for r in o.points[u]] == [
                (u, xp, total, hi if total >= 60 else lo)
            ]
            ledger = o.ledger[u]
            assert {r["user_id"] for r in ledger} == {u}
            assert {v.event_id(i, d) for d in range(days)} <= {r["event_id"] for r in ledger}
        for read in (o.streaks, o.achievements, o.points, o.ledger):
            assert read[v.bad_user] == []  # never stored, and reading it is harmless
        for k, grp in enumerate(v.groups):
            doc = o.boards[grp]
            assert doc["status"] == "final" and doc["group"] == grp
            assert {e["user_id"] for e in doc["entries"]} == set(v.users[2 * k : 2 * k + 2])
        overview = o.dashboards["overview"]
        assert overview["events_per_metric"]["events"].sum() == DAYS[2]
        assert overview["active_users"]["dau"].max() == 1


def test_command_line_arguments_are_data(runs: tuple[Outcome, Outcome]) -> None:
    for o in runs:
        v = o.vocab
        c = o.cli
        for i, u in enumerate(v.users):
            assert [r["user_id"] for r in c["streaks"][i]] == [u]
            assert [r["user_id"] for r in c["achievements"][i]] == [u] * len(o.achievements[u])
            assert [r["user_id"] for r in c["points"][i]] == [u]
        assert {r["event_id"] for r in c["ledger"]} >= {v.event_id(2, d) for d in range(4)}
        assert v.users[5] in c["table"]  # printed as is, not read as markup
        assert pl.read_csv(c["csv"].encode())["user_id"].to_list() == [v.users[2]] * 2
        assert {e["user_id"] for e in c["board"]["entries"]} == set(v.users[:2])
        assert c["board"]["group"] == v.groups[0]
        doc = c["by_group"]
        assert doc["filters"]["attributes"] == {v.keys[8]: v.groups[2]}
        assert sum(r["events"] for r in doc["panels"]["events_per_metric"]) == DAYS[4] + DAYS[5]
        doc = c["by_extra"]
        assert doc["filters"]["attributes"] == dict([v.extra])
        assert sum(r["events"] for r in doc["panels"]["events_per_metric"]) == DAYS[2]


def test_every_table_is_still_there(runs: tuple[Outcome, Outcome]) -> None:
    for o in runs:
        assert {"events", "users", "rejects", "daily_metrics"} <= o.tables_before
        assert o.tables_after == o.tables_before


def test_table_output_prints_values_as_they_are(capsys: pytest.CaptureFixture[str]) -> None:
    """Rich would read `[/]` as markup (and fail) and `:thumbs_up:` as an emoji."""
    emit(pl.DataFrame({"user_id": ["[/]x[bold]y[/bold]", ":thumbs_up:"]}), Format.table)
    out = capsys.readouterr().out
    assert "[/]x[bold]y[/bold]" in out and ":thumbs_up:" in out


# --- names: rejected by the config, unable to express SQL ---------------------------------------

#: Also everything KEY's characters could smuggle in were they not anchored.
NAMES_HOSTILE = (*HOSTILE, "lessons\n", "ok\x00", "a b", "a;b", "a/*b*/", "a)b", "", "x" * 129)
VALID = {
    "metrics": [{"key": "m"}],
    "streaks": [{"key": "s", "frequency": "daily", "conditions": [{"metric": "m"}]}],
    "achievements": [{"key": "a", "kind": "metric", "metric": "m", "threshold": 1}],
    "points": [{"key": "p", "triggers": [{"metric": "m", "points": 1}],
                "levels": [{"key": "l", "points": 0}]}],
    "leaderboards": [{"key": "b", "rank_by": "metric:m", "period": "daily",
                      "breakdown": ["country"]}],
}  # fmt: skip
#: (where the name goes, the text the error must name)
FIELDS: dict[str, tuple[Callable[[dict, str], None], str]] = {
    "metric key": (lambda c, s: c["metrics"].append({"key": s}), "metrics[1]"),
    "streak key": (lambda c, s: c["streaks"][0].update(key=s), "streaks[0]"),
    "achievement key": (lambda c, s: c["achievements"][0].update(key=s), "achievements[0]"),
    "points key": (lambda c, s: c["points"][0].update(key=s), "points[0]"),
    "level key": (lambda c, s: c["points"][0]["levels"][0].update(key=s), "levels[0]"),
    "leaderboard key": (lambda c, s: c["leaderboards"][0].update(key=s), "leaderboards[0]"),
    "breakdown": (lambda c, s: c["leaderboards"][0].update(breakdown=[s]), "breakdown"),
    "cluster": (lambda c, s: c.update(storage={"cluster": s}), "[storage]: cluster"),
}


@pytest.mark.parametrize("where", list(FIELDS))
def test_hostile_names_are_config_errors_naming_the_field(where: str) -> None:
    put, named = FIELDS[where]
    for s in NAMES_HOSTILE:
        raw = json.loads(json.dumps(VALID))
        put(raw, s)
        with pytest.raises(ConfigError) as e:
            parse(raw, "g.toml")
        message = str(e.value)
        assert message.startswith("g.toml: ") and named in message, (s, message)


def test_the_name_patterns_cannot_express_sql_or_templates() -> None:
    for s in NAMES_HOSTILE:
        assert not KEY.match(s) and not IDENTIFIER.match(s), repr(s)
    for c in "'\"`\\;{}%$?#()[]*/=<>,:@!|&^~+ \t\n\r\x00\x0b\x0c\u00a0\u2028":
        for name in (f"a{c}", f"{c}a", f"a{c}b"):
            assert not KEY.match(name) and not IDENTIFIER.match(name), repr(name)
    # the only punctuation KEY allows (. and -) never reaches SQL text: keys are bound; the
    # scenario above runs with keys such as "l--1.x" and sends the same SQL


def test_hostile_database_and_cluster_are_refused_before_any_sql(tmp_path: Path) -> None:
    for s in NAMES_HOSTILE:
        if not s:
            continue
        with pytest.raises(ConfigError, match=r"^database: "):
            connect(f"chdb://{tmp_path / 'ch'}?database={quote(s, safe='')}")
        with pytest.raises(ConfigError, match=r"^database: "):
            connect(f"http://localhost:1/{quote(s, safe='')}")
        with pytest.raises(ConfigError, match=r"^cluster: "):
            connect("http://localhost:1/gamify", cluster=s)


def test_identifiers_given_to_templates_are_checked(tmp_path: Path) -> None:
    with connect(f"duckdb://{tmp_path / 'x.duckdb'}") as e:
        for s in NAMES_HOSTILE:
            with pytest.raises(ConfigError, match=r"^table_ident: "):
                e.render("admin/any_rows", table_ident=s, column_ident="c", value_type="String")


def test_names_from_arguments_must_be_known(tmp_path: Path) -> None:
    """A leaderboard, dashboard, metric, streak or job named in an argument is looked up in the
    config, never sent."""
    config = load(write_inputs(PLAIN, tmp_path)[0])
    with Gamify(config, f"duckdb://{tmp_path / 'n.duckdb'}") as g:
        g.init()
        for s in HOSTILE:
            with pytest.raises(ConfigError, match="no leaderboard"):
                g.leaderboard(s)
            with pytest.raises(ConfigError, match="unknown dashboard"):
                g.dashboard(s)
            with pytest.raises(ConfigError, match="unknown metric"):
                g.dashboard("overview", Filters(metric=s))
            with pytest.raises(ConfigError):
                g.streaks(s)
            with pytest.raises(ConfigError, match="unknown job"):
                g.run([s])
            assert g.ledger(s).height == 0 and g.points(user=s).height == 0
        assert g.counts()["rows"].to_list() == [0, 0, 0, 0]
