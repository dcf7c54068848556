"""The HTML pages at phone width (400 px) and desktop width (1280 px) in headless Chromium:
axe-core finds no accessibility violation, the instrument column stays visible when the
table scrolls sideways, no date breaks across lines, the caption is not cut, the legend
explains the observation badges, and heading levels do not skip.

Needs Debian's chromium and chromium-driver (as tests/test_browser.py) and axe-core from
npm: ``GMSPOLICY_AXE_JS`` names its ``axe.min.js`` (``.ci/run`` installs it with npm into
a temporary directory and sets it). Each is skipped with the reason when missing.
"""

from __future__ import annotations

import itertools
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import gmspolicy
from gmspolicy.exporters.html import HtmlExporter
from gmspolicy.i18n import Labels
from gmspolicy.models import Group
from gmspolicy.query.policyset import PolicySet
from gmspolicy.query.views import (
    EventsView,
    MousView,
    ObservationsView,
    ProfileView,
    TableView,
    View,
)

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium")
CHROMEDRIVER = shutil.which("chromedriver")
AXE_JS = os.environ.get("GMSPOLICY_AXE_JS", "")

WIDTHS = (400, 1280)


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not AXE_JS or not Path(AXE_JS).is_file():
        pytest.skip(
            "needs axe-core: set GMSPOLICY_AXE_JS to node_modules/axe-core/axe.min.js "
            "(npm install axe-core; .ci/run does this)"
        )
    return Path(AXE_JS).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def driver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    if CHROMIUM is None or CHROMEDRIVER is None:
        pytest.skip(
            "needs Debian's chromium and chromium-driver "
            "(apt-get install chromium chromium-driver; .ci/run installs them)"
        )
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        "--window-size=1280,900",
        f"--user-data-dir={tmp_path_factory.mktemp('chromium-phone-profile')}",
    ):
        options.add_argument(arg)
    drv = webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))
    drv.set_script_timeout(120)
    try:
        yield drv
    finally:
        drv.quit()


@pytest.fixture(scope="module")
def bundled() -> PolicySet:
    return gmspolicy.load_dataset()


def pages(pset: PolicySet) -> dict[str, View]:
    gms = pset.matrix(group=Group.GMS)
    obs = tuple(o for o in pset.observations if o.country == "THA")
    return {
        "table-en": TableView(pset, gms, "en"),
        "table-th": TableView(pset, gms, "th"),
        "table-zh": TableView(pset, gms, "zh"),
        "table-my": TableView(pset, gms, "my"),
        "show-en": ProfileView(pset, pset.country("THA"), None, "en"),
        "show-km": ProfileView(pset, pset.country("KHM"), None, "km"),
        "events-vi": EventsView(pset, pset.events, "vi"),
        "events-en": EventsView(pset, pset.events, "en"),
        "mous-lo": MousView(pset, pset.mous, "lo"),
        "observations-en": ObservationsView(pset, obs, "en"),
    }


PAGES = [  # the names of pages(), for test ids
    "table-en", "table-th", "table-zh", "table-my", "show-en", "show-km", "events-vi",
    "events-en", "mous-lo", "observations-en",
]  # fmt: skip


@pytest.fixture(scope="module")
def written(bundled: PolicySet, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("phone-pages")
    out = {}
    for name, view in pages(bundled).items():
        html = HtmlExporter().render(view)
        assert isinstance(html, str)
        out[name] = folder / f"{name}.html"
        out[name].write_text(html, encoding="utf-8")
    return out


def open_at(driver: Any, path: Path, width: int) -> None:
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": width < 600},
    )
    driver.get(path.as_uri())
    assert driver.execute_script("return window.innerWidth") == width


def run_axe(driver: Any, source: str) -> list[dict[str, Any]]:
    driver.execute_script(source)
    result: dict[str, Any] = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {resultTypes: ['violations']})"
        ".then(r => done(r.violations.map(v => ({id: v.id, impact: v.impact,"
        " help: v.help, nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))))"
        ".catch(e => done([{id: 'axe-error', help: String(e), nodes: []}]));"
    )
    return list(result)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", PAGES)
def test_axe_finds_no_violation(
    driver: Any, axe_source: str, written: dict[str, Path], name: str, width: int
) -> None:
    open_at(driver, written[name], width)
    violations = run_axe(driver, axe_source)
    assert violations == [], "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} at {v['nodes']}" for v in violations
    )


# -- layout ---------------------------------------------------------------------------------

#: Every ISO date (or a localised date cell) whose text is laid out on more than one line,
#: in the text of table cells, list items and captions.
BROKEN_DATES_JS = r"""
const broken = [];
const iso = /\d{4}-\d{2}(-\d{2})?/g;
const lines = (range) => new Set(Array.from(range.getClientRects(), r => Math.round(r.top))).size;
const walker = document.createTreeWalker(document.querySelector('main'), NodeFilter.SHOW_TEXT);
for (let node = walker.nextNode(); node; node = walker.nextNode()) {
  const parent = node.parentElement;
  // URLs may break anywhere (they are long); a date-like piece of one is not a date
  if (!parent.closest('td, th, li, caption') || parent.closest('a[href^="http"], .url')) continue;
  for (const m of node.data.matchAll(iso)) {
    const range = document.createRange();
    range.setStart(node, m.index);
    range.setEnd(node, m.index + m[0].length);
    if (lines(range) > 1) broken.push(m[0]);
  }
}
for (const cell of document.querySelectorAll('td.dates')) {
  const range = document.createRange();
  range.selectNodeContents(cell);
  if (lines(range) > 1) broken.push(cell.textContent);
}
return broken;
"""


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", PAGES)
def test_layout(driver: Any, written: dict[str, Path], name: str, width: int) -> None:
    open_at(driver, written[name], width)
    js = driver.execute_script
    # the page itself never scrolls sideways: wide tables scroll in their own box
    assert js("return document.documentElement.scrollWidth") <= width
    assert js(BROKEN_DATES_JS) == []
    # heading levels start at 1 and never skip one
    levels = js(
        "return Array.from(document.querySelectorAll('h1,h2,h3,h4,h5,h6'),"
        " h => Number(h.tagName[1]))"
    )
    assert levels[0] == 1
    assert all(b <= a + 1 for a, b in itertools.pairwise(levels)), levels
    for box in range(js("return document.querySelectorAll('.scroll').length")):
        check_table(driver, box, width)


def check_table(driver: Any, box: int, width: int) -> None:
    js = driver.execute_script
    state = js(
        "const box = document.querySelectorAll('.scroll')[arguments[0]];"
        "box.scrollLeft = box.scrollWidth;"  # scrolled all the way to the right
        "const cap = box.querySelector('caption .cap').getBoundingClientRect();"
        "const th = box.querySelector('tbody th[scope=row]');"
        "const rect = th ? th.getBoundingClientRect() : null;"
        "const shown = th ? document.elementFromPoint(rect.left + 5, rect.top + 5) : null;"
        "return {scrolls: box.scrollWidth > box.clientWidth, left: box.scrollLeft,"
        " box: box.getBoundingClientRect().left,"
        " cap: [cap.left, cap.right, cap.height],"
        " th: rect ? [rect.left, rect.right] : null,"
        " covered: th ? !(shown && th.contains(shown)) : false};",
        box,
    )
    # the caption is within the screen wherever the table is scrolled
    cap_left, cap_right, cap_height = state["cap"]
    assert cap_left >= 0 and cap_right <= width + 0.5 and cap_height > 0, state
    if state["th"] is not None:
        # the row header (the instrument) stays at the left edge, on top of other cells
        th_left, th_right = state["th"]
        assert th_left >= state["box"] - 0.5 and th_right <= width, state
        assert not state["covered"], state
    if width == 400 and state["scrolls"]:
        assert state["left"] > 0


@pytest.mark.parametrize("lang", ["en", "th", "zh"])
def test_legend_explains_the_badges(
    driver: Any, written: dict[str, Path], bundled: PolicySet, lang: str
) -> None:
    open_at(driver, written[f"table-{lang}"], 400)
    js = driver.execute_script
    assert js("return document.querySelectorAll('td a.obs').length") > 0
    key = js(
        "const p = document.querySelector('.legend .obs-key');"
        "return p ? {text: p.textContent, shown: p.getBoundingClientRect().height > 0} : null"
    )
    assert key is not None
    assert key["shown"]
    assert re.sub(r"\s+", " ", key["text"]).strip() == "\u203b " + Labels(lang)("obs.badge")
