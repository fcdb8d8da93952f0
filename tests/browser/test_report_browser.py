"""The demo's report in a real browser: headless Chromium draws every chart and logs no error.

Chromium is Debian's package (scripts/chromium.sh installs it; scripts/test.sh calls that when
/usr/bin/chromium is missing), driven by Playwright's Python client. A browser that cannot
start fails these tests, never skips them. The full-page screenshot is kept in
artifacts/report.png.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from chromium import PageRun, chromium_path, render_page

from model_monitor.demo import run_demo
from model_monitor.report import ReportOptions, ReportResult, write_report
from model_monitor.warehouse import Warehouse

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
SCREENSHOT = ARTIFACTS / "report.png"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def report_file(tmp_path_factory: pytest.TempPathFactory) -> ReportResult:
    """The report of a small demo (3,000 predictions over 14 days, two monitors)."""
    work = tmp_path_factory.mktemp("browser")
    demo = run_demo(work / "demo", rows=3000, days=14)
    with Warehouse(demo.project_dir, profiles_dir=demo.profiles_dir) as warehouse:
        return write_report(warehouse, work / "report.html", ReportOptions())


@pytest.fixture(scope="module")
def page(report_file: ReportResult) -> PageRun:
    """The report loaded in headless Chromium, with its full-page screenshot taken."""
    binary = chromium_path()
    if not Path(binary).exists():
        pytest.fail(
            f"{binary} not found: install Debian's chromium with `bash scripts/chromium.sh` "
            "(or point MM_CHROMIUM at a Chromium binary)",
            pytrace=False,
        )
    from playwright.sync_api import Error as PlaywrightError

    try:
        return render_page(report_file.path, SCREENSHOT)
    except PlaywrightError as exc:
        pytest.fail(f"headless chromium ({binary}) failed: {exc}", pytrace=False)


def test_the_page_logs_no_console_error_and_throws_nothing(page: PageRun):
    assert page.console_errors == []
    assert page.page_errors == []


def test_every_chart_drew(page: PageRun, report_file: ReportResult):
    assert report_file.chart_count >= 15
    assert len(page.charts) == report_file.chart_count
    undrawn = [chart for chart in page.charts if not chart.drew]
    assert undrawn == []


def test_the_page_fetches_nothing_from_the_network(page: PageRun):
    assert page.network_requests == []


def test_each_histogram_menu_switches_the_window(page: PageRun, report_file: ReportResult):
    assert len(page.menus) == len(report_file.monitors)
    for menu in page.menus:
        assert menu.options > 1, menu
        assert menu.switched, menu


def test_the_screenshot_is_kept_as_an_artifact(page: PageRun):
    data = SCREENSHOT.read_bytes()
    assert data.startswith(PNG_SIGNATURE)
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert width == 1400 and height > 5000  # the full page, not the viewport
