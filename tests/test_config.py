"""Config errors name the file, the entry and the field (§12)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from gamify_analytics import config
from gamify_analytics.config import ConfigError
from gamify_analytics.demo import DEMO_CONFIG

SPEC_EXAMPLE = Path(__file__).resolve().parents[2] / "shared" / "SPEC.md"


def test_demo_config_is_valid() -> None:
    import tomllib

    cfg = config.parse(tomllib.loads(DEMO_CONFIG))
    assert "lessons" in cfg.metrics and cfg.streaks[0].freezes.max == 2


def test_spec_example_parses() -> None:
    if not SPEC_EXAMPLE.is_file():
        pytest.skip("shared/SPEC.md is not beside this checkout")
    text = SPEC_EXAMPLE.read_text()
    toml = re.search(r"```toml\n(.*?)```", text, re.S).group(1)
    import tomllib

    cfg = config.parse(tomllib.loads(toml), "spec.toml")
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
