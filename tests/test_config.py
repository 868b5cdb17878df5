"""Config errors name the file, the entry and the field."""

from __future__ import annotations

import copy
import re
from pathlib import Path

import pytest

from gamify_analytics import config
from gamify_analytics.config import ConfigError
from gamify_analytics.demo import DEMO_CONFIG

DOC_EXAMPLE = Path(__file__).resolve().parents[1] / "docs" / "configuration.md"


def test_demo_config_is_valid() -> None:
    import tomllib

    cfg = config.parse(tomllib.loads(DEMO_CONFIG))
    assert "lessons" in cfg.metrics and cfg.streaks[0].freezes.max == 2


def test_the_documented_example_parses() -> None:
    text = DOC_EXAMPLE.read_text()
    toml = re.search(r"```toml\n(.*?)```", text, re.S).group(1)
    import tomllib

    cfg = config.parse(tomllib.loads(toml), "gamify.toml")
    assert cfg.dsn == "chdb:///srv/gamify/clickhouse"
    assert [a.kind for a in cfg.achievements] == ["metric", "streak", "period", "composite"]


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        ({"metrics": [{"key": 3}]}, "f.toml: metrics[0]: key: expected a string"),
        (
            {
                "metrics": [{"key": "a"}],
                "streaks": [{"key": "s", "frequency": "hourly", "conditions": [{"metric": "a"}]}],
            },
            "f.toml: streaks[0] (s): frequency: 'hourly' is not one of daily, weekly, monthly",
        ),
        (
            {
                "metrics": [{"key": "a"}],
                "streaks": [{"key": "s", "frequency": "daily", "conditions": [{"metric": "b"}]}],
            },
            "f.toml: streaks[0] (s): conditions[0]: metric: unknown metric 'b'",
        ),
        ({"storage": {"cluster": "x; DROP"}}, "f.toml: [storage]: cluster: 'x; DROP'"),
        ({"metrics": [{"key": "a"}, {"key": "a"}]}, "f.toml: metrics[1] (a): key: duplicate"),
        (
            {"achievements": [{"key": "c", "kind": "composite", "requires": ["c"]}]},
            "f.toml: achievements[0] (c): requires: cycle",
        ),
        (
            {
                "metrics": [{"key": "a"}],
                "leaderboards": [{"key": "l", "rank_by": "points:zz", "period": "daily"}],
            },
            "f.toml: leaderboards[0] (l): rank_by:",
        ),
        ({"storage": {"dns": "x"}}, "f.toml: [storage]: dns: unknown field"),
    ],
)
def test_errors_name_file_entry_and_field(doc: dict, message: str) -> None:
    with pytest.raises(ConfigError) as e:
        config.parse(doc, "f.toml")
    assert str(e.value).startswith(message)


def test_missing_and_broken_files(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="config file not found"):
        config.load(tmp_path / "nope.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("[[metrics]\n")
    with pytest.raises(ConfigError, match=r"bad\.toml: not valid TOML"):
        config.load(bad)


# --- numeric fields: finite and in range, or one line naming file, entry and field ----------

VALID: dict = {
    "metrics": [{"key": "a"}],
    "streaks": [
        {
            "key": "s",
            "frequency": "daily",
            "conditions": [{"metric": "a", "threshold": 1}],
            "freezes": {"initial": 0, "max": 1, "earn_every": 7, "earn_amount": 1},
        }
    ],
    "achievements": [
        {"key": "m", "kind": "metric", "metric": "a", "threshold": 5},
        {"key": "p", "kind": "period", "metric": "a", "period": "daily", "threshold": 2},
        {"key": "k", "kind": "streak", "streak": "s", "length": 3},
    ],
    "points": [
        {
            "key": "xp",
            "max_points": 100,
            "triggers": [
                {"metric": "a", "points": 10, "per": 1},
                {"achievement": "m", "points": 5},
                {"streak": "s", "length": 2, "points": 3},
            ],
            "levels": [{"key": "l1", "points": 0}],
        }
    ],
    "leaderboards": [
        {
            "key": "b",
            "rank_by": "metric:a",
            "period": "daily",
            "max_participants": 10,
            "finalize_after_hours": 12,
        }
    ],
}
#: (path to the field, where the error says it is, whether it takes fractions, lowest value)
NUMERIC_FIELDS = [
    (("streaks", 0, "conditions", 0, "threshold"), "streaks[0] (s): conditions[0]", True, 0),
    (("streaks", 0, "freezes", "initial"), "streaks[0] (s): freezes", False, 0),
    (("streaks", 0, "freezes", "max"), "streaks[0] (s): freezes", False, 0),
    (("streaks", 0, "freezes", "earn_every"), "streaks[0] (s): freezes", False, 0),
    (("streaks", 0, "freezes", "earn_amount"), "streaks[0] (s): freezes", False, 0),
    (("achievements", 0, "threshold"), "achievements[0] (m)", True, None),
    (("achievements", 1, "threshold"), "achievements[1] (p)", True, None),
    (("achievements", 2, "length"), "achievements[2] (k)", False, 1),
    (("points", 0, "max_points"), "points[0] (xp)", True, 0),
    (("points", 0, "triggers", 0, "points"), "points[0] (xp): triggers[0]", True, None),
    (("points", 0, "triggers", 0, "per"), "points[0] (xp): triggers[0]", True, 0),
    (("points", 0, "triggers", 1, "points"), "points[0] (xp): triggers[1]", True, None),
    (("points", 0, "triggers", 2, "points"), "points[0] (xp): triggers[2]", True, None),
    (("points", 0, "triggers", 2, "length"), "points[0] (xp): triggers[2]", False, 1),
    (("points", 0, "levels", 0, "points"), "points[0] (xp): levels[0]", True, None),
    (("leaderboards", 0, "max_participants"), "leaderboards[0] (b)", False, 1),
    (("leaderboards", 0, "finalize_after_hours"), "leaderboards[0] (b)", True, 0),
]


def _with(path: tuple, value: object, doc: dict = VALID) -> dict:
    """A copy of `doc` with the field at `path` set to `value`."""
    doc = copy.deepcopy(doc)
    node = doc
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = value
    return doc


def test_the_valid_numbers_parse() -> None:
    config.parse(VALID, "f.toml")


@pytest.mark.parametrize(
    ("path", "where", "fractional", "lowest"),
    NUMERIC_FIELDS,
    ids=[str(f[0]) for f in NUMERIC_FIELDS],
)
def test_every_numeric_field_is_finite_and_in_range(
    path: tuple, where: str, fractional: bool, lowest: int | None
) -> None:
    bad: list[object] = [float("nan"), float("inf"), float("-inf"), 1e300, -1e300, 10**19]
    if fractional:
        bad += [1e-7, 0.1234567]
    else:
        bad += [1.5]
    if lowest is not None:
        bad.append(lowest - 1)
    if path[-1] == "per":
        bad.append(0)
    for value in bad:
        with pytest.raises(ConfigError) as e:
            config.parse(_with(path, value), "f.toml")
        message = str(e.value)
        assert message.startswith(f"f.toml: {where}: {path[-1]}: "), (value, message)
        assert "\n" not in message


def test_a_numeric_error_is_one_line_from_the_command_line(tmp_path: Path) -> None:
    import subprocess
    import sys

    bad = tmp_path / "gamify.toml"
    bad.write_text(
        '[[metrics]]\nkey = "a"\n[[achievements]]\nkey = "m"\nkind = "metric"\n'
        'metric = "a"\nthreshold = nan\n'
    )
    r = subprocess.run(
        [sys.executable, "-c", "from gamify_analytics.cli import run; run()", "init"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert r.returncode == 1
    assert r.stderr.splitlines() == [
        f"gamify: error: {bad.name}: achievements[0] (m): threshold: "
        "must be a finite number, got nan"
    ]


def test_jobs_run_with_every_number_at_its_limit(dsn: str, tmp_path: Path) -> None:
    """The largest values the config accepts, with events of the largest value, run through
    every job and read back on both engines without an overflow."""
    from datetime import UTC, datetime

    from gamify_analytics.api import Gamify

    big, count = config.DECIMAL_LIMIT, config.COUNT_LIMIT
    doc = VALID
    for path, _, fractional, _ in NUMERIC_FIELDS:
        doc = _with(path, big if fractional else count, doc)
    doc = _with(("points", 0, "triggers", 0, "per"), 0.000001, doc)
    doc = _with(("leaderboards", 0, "finalize_after_hours"), config.MAX_FINALIZE_HOURS, doc)
    cfg = config.parse(doc, "f.toml")
    events = tmp_path / "events.csv"
    rows = [f"e{i},u{i % 2},a,999999999999.999999,2024-03-0{1 + i}T12:00:00Z" for i in range(4)]
    events.write_text("event_id,user_id,metric,value,ts\n" + "\n".join(rows) + "\n")
    with Gamify(cfg, dsn) as g:
        assert g.ingest([events]).accepted == 4
        g.run(as_of=datetime(2024, 3, 10, tzinfo=UTC))
        assert g.streaks().height == 2
        assert g.points().height == 2
        assert g.leaderboard("b", datetime(2024, 3, 1).date())["entries"]
