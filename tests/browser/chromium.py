"""Headless Chromium (Debian's package) driven by Playwright, without Playwright's own browsers."""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# Chromium's background services (updates, sync, field trials, QUIC probes) would try the
# network on start; on a closed network they fail and log errors of their own.
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
)
DEFAULT_CHROMIUM = "/usr/bin/chromium"

# Run in the page once Plotly has drawn: per chart div, whether its SVG and traces exist.
CHART_STATE_JS = """
() => Array.from(document.querySelectorAll('.plotly-graph-div')).map(div => ({
  id: div.id,
  plotted: div.classList.contains('js-plotly-plot'),
  svg: div.querySelectorAll('.main-svg').length,
  traces: div.querySelectorAll('g.trace, g.hm, .heatmaplayer image').length,
  data: Array.isArray(div.data) ? div.data.length : 0,
  width: div.getBoundingClientRect().width,
  height: div.getBoundingClientRect().height,
  menu: div.querySelector('.updatemenu-header') !== null,
}))
"""


@dataclass
class ChartState:
    """What one chart div holds after the page loaded."""

    id: str
    plotted: bool
    svg: int
    traces: int
    data: int
    width: float
    height: float
    menu: bool

    @property
    def drew(self) -> bool:
        """Plotly made it a plot, with its SVG layers and at least one drawn trace."""
        return self.plotted and self.svg > 0 and self.traces > 0 and self.width > 0


VISIBLE_TRACES_JS = """
id => document.getElementById(id).data
  .map((trace, index) => (trace.visible === undefined || trace.visible === true) ? index : -1)
  .filter(index => index >= 0)
"""


@dataclass
class MenuCheck:
    """A dropdown menu chosen in the page: the visible traces before and after a choice."""

    chart_id: str
    options: int
    before: list[int]
    after: list[int]

    @property
    def switched(self) -> bool:
        """Choosing another option changed which traces show."""
        return self.before != self.after


@dataclass
class PageRun:
    """The outcome of loading a page: console errors, page errors, requests, charts."""

    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    network_requests: list[str] = field(default_factory=list)
    charts: list[ChartState] = field(default_factory=list)
    menus: list[MenuCheck] = field(default_factory=list)


def chromium_path() -> str:
    """Return the Chromium binary: MM_CHROMIUM, else Debian's /usr/bin/chromium."""
    return os.environ.get("MM_CHROMIUM") or DEFAULT_CHROMIUM


def render_page(
    html: Path,
    screenshot: Path | None = None,
    *,
    width: int = 1400,
    full_page: bool = True,
    clip_height: int | None = None,
) -> PageRun:
    """Open a local HTML file in headless Chromium, record what happened, take a screenshot."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import sync_playwright

    run = PageRun()
    # Playwright gives every launch a fresh --user-data-dir of its own (and refuses one passed
    # in args); TMPDIR keeps it, and Chromium's crash dumps, in a directory removed afterwards.
    scratch = tempfile.mkdtemp(prefix="mm-chromium-")
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=chromium_path(),
                headless=True,
                env={**os.environ, "TMPDIR": scratch, "HOME": scratch},
                args=list(CHROMIUM_FLAGS),
            )
            try:
                page = browser.new_page(viewport={"width": width, "height": 900})
                page.on(
                    "console",
                    lambda m: run.console_errors.append(m.text) if m.type == "error" else None,
                )
                page.on("pageerror", lambda e: run.page_errors.append(str(e)))

                def record(route: object) -> None:
                    request = route.request  # type: ignore[attr-defined]
                    if not request.url.startswith(("file:", "data:", "about:")):
                        run.network_requests.append(request.url)
                        route.abort()  # type: ignore[attr-defined]
                    else:
                        route.continue_()  # type: ignore[attr-defined]

                page.route("**/*", record)
                page.goto(html.resolve().as_uri(), wait_until="load")
                try:
                    page.wait_for_function(
                        "() => Array.from(document.querySelectorAll('.plotly-graph-div'))"
                        ".every(d => d.classList.contains('js-plotly-plot'))",
                        timeout=30_000,
                    )
                except PlaywrightTimeout:
                    pass  # a chart that never drew shows in run.charts, which callers check
                page.wait_for_timeout(500)  # Plotly's responsive relayout after the first draw
                run.charts = [ChartState(**state) for state in page.evaluate(CHART_STATE_JS)]
                if screenshot is not None:
                    screenshot.parent.mkdir(parents=True, exist_ok=True)
                    if clip_height is None:
                        page.screenshot(path=str(screenshot), full_page=full_page)
                    else:
                        page.screenshot(
                            path=str(screenshot),
                            full_page=True,
                            clip={"x": 0, "y": 0, "width": width, "height": clip_height},
                        )
                # After the screenshot, which shows every chart as first drawn.
                run.menus = [_choose_second_option(page, c.id) for c in run.charts if c.menu]
            finally:
                browser.close()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return run


def _choose_second_option(page: Any, chart_id: str) -> MenuCheck:
    """Open a chart's dropdown as a person would and click its second option."""
    before = page.evaluate(VISIBLE_TRACES_JS, chart_id)
    page.locator(f"#{chart_id} .updatemenu-header").first.click()
    options = page.locator(f"#{chart_id} .updatemenu-dropdown-button")
    count = options.count()
    if count > 1:
        options.nth(1).click()
        page.wait_for_timeout(200)
    return MenuCheck(chart_id, count, before, page.evaluate(VISIBLE_TRACES_JS, chart_id))
