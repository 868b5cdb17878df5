"""The HTML report opened in a real browser (Debian's chromium, headless): every dashboard panel
is drawn with data, nothing is fetched or run, user-supplied text is escaped."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from datetime import UTC, date, datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gamify_analytics.api import Gamify
from gamify_analytics.cli import app
from gamify_analytics.config import load
from gamify_analytics.dashboards import NAMES, PANELS, Filters, charts
from tests.helpers.stores import GOLDEN

CONFIG = GOLDEN / "full.toml"
#: Late enough for the golden days' leaderboard runs to be final, early enough for a streak
#: to be alive.
AS_OF = datetime(2024, 4, 8, tzinfo=UTC)
ALL_PANELS = {f"{d}/{p}" for d in NAMES for p in PANELS[d]}


def browser(*args: str) -> subprocess.CompletedProcess[str]:
    """Run headless chromium (a fresh profile each time, so runs in parallel do not clash)."""
    binary = shutil.which("chromium")
    if binary is None:
        pytest.fail("chromium is not installed: apt-get install -y chromium (.ci/run does it)")
    with tempfile.TemporaryDirectory() as profile:
        return subprocess.run(
            [binary, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
             f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0", *args],
            capture_output=True,
            text=True,
            timeout=120,
        )  # fmt: skip


class Figures(HTMLParser):
    """Per panel (`<figure data-panel>`): the data marks drawn, the points the charts say they
    hold, and whether it says it has no data; plus every tag seen."""

    def __init__(self) -> None:
        super().__init__()
        self.panels: dict[str, dict[str, int]] = {}
        self.tags: set[str] = set()
        self._current: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.tags.add(tag)
        if tag == "figure":
            self._current = a["data-panel"]
            collapsed = "collapsed" in (a.get("class") or "").split()
            self.panels[self._current] = {
                "drawn": 0, "declared": 0, "empty": 0, "collapsed": int(collapsed), "partial": 0
            }  # fmt: skip
        if self._current is None:
            return
        panel = self.panels[self._current]
        classes = (a.get("class") or "").split()
        panel["drawn"] += "mark" in classes or "line" in classes
        panel["declared"] += int(a.get("data-marks") or 0)
        panel["empty"] += "empty" in classes
        panel["partial"] += "partial" in classes

    def handle_endtag(self, tag: str) -> None:
        if tag == "figure":
            self._current = None


def open_in_browser(page: Path) -> tuple[Figures, str]:
    """The DOM chromium built from `page`, parsed, and its text."""
    run = browser("--dump-dom", page.as_uri())
    assert run.returncode == 0, run.stderr
    assert ":CONSOLE" not in run.stderr and "Uncaught" not in run.stderr, run.stderr
    assert run.stdout.rstrip().endswith("</body></html>"), run.stdout[-200:]
    parsed = Figures()
    parsed.feed(run.stdout)
    return parsed, run.stdout


def golden_store(dsn: str) -> Gamify:
    """The golden events and users ingested and every job run as of AS_OF (caller closes)."""
    g = Gamify(load(CONFIG), dsn)
    g.ingest([GOLDEN / "events.csv"], users=GOLDEN / "users.csv")
    g.run(as_of=AS_OF)
    return g


@pytest.fixture
def report(dsn: str, tmp_path: Path) -> Iterator[Path]:
    with golden_store(dsn) as g:
        yield g.report(tmp_path / "report.html")


def test_every_panel_is_drawn_with_data(report: Path) -> None:
    figures, dom = open_in_browser(report)
    assert set(figures.panels) == ALL_PANELS
    for panel, counts in figures.panels.items():
        assert counts["drawn"] > 0 and counts["declared"] > 0 and not counts["empty"], panel
    for heading in ("Dates covered", "Data freshness", "Filters", "Generated"):
        assert heading in dom
    assert "2011-12-29 – 2024-04-07" in dom  # the golden local dates
    assert "job streaks: finished" in dom and "as of 2024-04-08 00:00:00 UTC" in dom


def test_the_dates_not_over_in_every_zone_are_marked_partial(report: Path) -> None:
    """As of 2024-04-08 00:00 UTC the golden last local date, 2024-04-07, has not ended west
    of UTC: charts over local dates shade it; charts over other things do not."""
    figures, dom = open_in_browser(report)
    assert "local dates from 2024-04-07 on are shaded as partial" in dom
    assert figures.panels["overview/active_users"]["partial"] == 1
    assert figures.panels["points/awarded"]["partial"] == 2  # a chart per unit
    assert figures.panels["retention/curve"]["partial"] == 0


def test_nothing_is_fetched_or_run_and_text_is_escaped(tmp_path: Path) -> None:
    dsn = f"duckdb://{tmp_path / 'g.duckdb'}"
    golden_store(dsn).close()
    page = tmp_path / "r.html"
    hostile = '<script>alert("x")</script>'
    run = CliRunner().invoke(
        app,
        ["--config", str(CONFIG), "--dsn", dsn, "report", "--out", str(page),
         "--from", "2024-03-01", "--metric", "lessons", "--attr", f"device={hostile}"],
    )  # fmt: skip
    assert run.exit_code == 0, run.output
    html = page.read_text()
    assert "<script" not in html and "src=" not in html and "@import" not in html
    assert "url(http" not in html and 'href="http' not in html
    figures, dom = open_in_browser(page)
    assert "script" not in figures.tags
    assert "from 2024-03-01, metric lessons, users with device = &lt;script&gt;" in dom
    assert "2024-03-01 – 2024-04-07" in dom


def test_an_empty_range_says_so_instead_of_drawing(tmp_path: Path) -> None:
    with golden_store(f"duckdb://{tmp_path / 'g.duckdb'}") as g:
        later = Filters(date_from=date(2030, 1, 1), date_to=date(2030, 1, 31))
        page = g.report(tmp_path / "r.html", later)
    figures, dom = open_in_browser(page)
    assert figures.panels["overview/active_users"]["empty"] == 1
    for panel, counts in figures.panels.items():  # no axes without data: one line instead
        assert counts["empty"] == counts["collapsed"], panel
        assert counts["empty"] == 1 or counts["declared"] > 0, panel
    assert "Every value is 0 in this range." in dom  # the range's days are listed, all zero


def test_chart_text_is_escaped() -> None:
    chart = charts.Chart(
        panel='a"b', kind="bar", x=["<i>x</i>"], series=[charts.Series("<b>&", [1.0])],
        x_title="x <", y_title="y >",
    )  # fmt: skip
    svg = charts.svg(chart)
    assert "<b>" not in svg and "<i>" not in svg and 'a"b' not in svg
    assert "&lt;b&gt;&amp;" in svg and "&lt;i&gt;x&lt;/i&gt;" in svg


def _centres(svg: str) -> list[float]:
    """The x of each data mark's centre (bars: x + width / 2; dots: cx), in document order."""
    bars = re.findall(r'<rect class="mark" x="([\d.]+)" y="[\d.]+" width="([\d.]+)"', svg)
    dots = re.findall(r'<circle class="mark" cx="([\d.]+)"', svg)
    return [float(x) + float(w) / 2 for x, w in bars] + [float(x) for x in dots]


@pytest.mark.parametrize("kind", ["bar", "line"])
def test_every_day_keeps_its_place_and_one_series_has_a_legend(kind: str) -> None:
    """A day without a row is an empty slot among bars, as it is a gap in a line: the spacing
    of the marks is the spacing of the dates (bars used to close up over a missing day)."""
    days = [date(2024, 3, 1), date(2024, 3, 2), date(2024, 3, 4)]
    chart = charts.Chart(
        panel="p", kind=kind, x=days, series=[charts.Series("Users", [1.0, 2.0, 3.0])],  # type: ignore[arg-type]
        x_title="Local date", y_title="Users",
    )  # fmt: skip
    svg = charts.svg(chart)
    a, b, c = _centres(svg)
    assert c - b == pytest.approx(2 * (b - a), abs=0.2)
    assert '<g class="legend">' in svg and ">Users</text>" in svg


def test_a_screenshot_renders(report: Path, tmp_path: Path) -> None:
    png = tmp_path / "report.png"
    run = browser("--window-size=1400,2000", f"--screenshot={png}", report.as_uri())
    assert run.returncode == 0, run.stderr
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 20_000
