"""The demo report and the report index in a real browser: headless Chromium loads each page,
and the DOM it built is checked (the contradictions, a column per outlet, the index links),
with no script error logged. Opt-in: `make test-browser` (STORYDIFF_BROWSER=1), where Chromium
is installed (Debian's `chromium` package; $STORYDIFF_CHROMIUM names another binary)."""

import os
import shutil
import subprocess
import tempfile
from dataclasses import replace
from pathlib import Path

import lxml.html
import pytest

from flows.compare import compare_story
from storydiff.settings import Settings

from conftest import SAMPLE_STORY

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(os.environ.get("STORYDIFF_BROWSER") != "1", reason="opt-in: make test-browser"),
]

SAMPLE_OUTLETS = ["Capital Morning Post", "Example Tribune", "Le Quotidien Exemple", "Metro Bulletin",
                  "Northwind Wire", "Riverside Daily"]


def chromium() -> str:
    found = os.environ.get("STORYDIFF_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        pytest.fail("no Chromium: install Debian's chromium package or set STORYDIFF_CHROMIUM")
    return found


def load(page: Path, screenshot: Path | None = None) -> tuple[lxml.html.HtmlElement, list[str]]:
    """The DOM Chromium built for the page, and every console message it logged."""
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--enable-logging=stderr", "--v=0"]
    with tempfile.TemporaryDirectory() as profile:
        done = subprocess.run([chromium(), *flags, f"--user-data-dir={profile}", "--dump-dom", page.as_uri()],
                              capture_output=True, text=True, timeout=120)
        if screenshot:
            subprocess.run([chromium(), *flags, f"--user-data-dir={profile}", f"--screenshot={screenshot}",
                            "--window-size=1400,1000", page.as_uri()], capture_output=True, timeout=120, check=True)
    assert done.returncode == 0, done.stderr[-2000:]
    console = [line for line in done.stderr.splitlines() if ":CONSOLE" in line]
    return lxml.html.fromstring(done.stdout), console


@pytest.fixture(scope="module")
def demo_reports(tmp_path_factory):
    root = tmp_path_factory.mktemp("browser")
    settings = replace(Settings(), db_path=root / "demo.duckdb", report_dir=root / "reports")
    compare_story(str(SAMPLE_STORY), settings)
    return root / "reports"


def test_the_harness_sees_script_errors(tmp_path):
    page = tmp_path / "broken.html"
    page.write_text("<!doctype html><body><table id='t'></table><script>noSuchFunction()</script></body>")
    dom, console = load(page)
    assert dom.xpath("//table[@id='t']")
    assert any("noSuchFunction is not defined" in line for line in console)


def test_demo_report_in_chromium(demo_reports):
    screenshots = os.environ.get("STORYDIFF_SCREENSHOTS")
    dom, console = load(demo_reports / "louvre-heist.html",
                        Path(screenshots) / "report.png" if screenshots else None)
    assert console == []
    rows = dom.xpath("//table[@id='contradictions']//tr[td]")
    assert len(rows) >= 5
    explanations = [" ".join(r.xpath("td")[1].text_content().split()) for r in rows]
    assert any(e.startswith("thieves: ") for e in explanations), explanations
    assert [" ".join(th.text_content().split()) for th in dom.xpath("//table[@id='claims']//th[@class='outlet']")] \
        == ["Example Tribune", "Northwind Wire", "Riverside Daily", "Le Quotidien Exemple", "Metro Bulletin",
            "Capital Morning Post"]
    figure_outlets = [th.text_content() for th in dom.xpath("//table[@id='figures']//th")][2:]
    assert figure_outlets == SAMPLE_OUTLETS
    assert dom.xpath("//table[@id='contradictions']//mark")
    assert dom.xpath("//a[@href='index.html']")


def test_report_index_in_chromium(demo_reports):
    screenshots = os.environ.get("STORYDIFF_SCREENSHOTS")
    dom, console = load(demo_reports / "index.html", Path(screenshots) / "index.png" if screenshots else None)
    assert console == []
    links = dom.xpath("//table[@id='stories']//a/@href")
    assert links == ["louvre-heist.html"]
    assert all((demo_reports / link).is_file() for link in links)
    cells = [" ".join(td.text_content().split()) for td in dom.xpath("//table[@id='stories']//tr[td]/td")]
    assert cells[2:] == ["6", "0", "5", "7", "0", "15"]
