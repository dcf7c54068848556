"""The HTML table in a real browser (headless Chromium from Debian, driven by Selenium):
the Content-Security-Policy lets the inline style and script run, columns sort by mouse
and keyboard with ``aria-sort`` kept up to date, and the filter box hides rows."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from gmspolicy.exporters.html import HtmlExporter
from gmspolicy.models import (
    Action,
    ActionKind,
    Authority,
    Body,
    Country,
    DatedFact,
    Group,
    Instrument,
    InstrumentKind,
    Participation,
    Source,
)
from gmspolicy.query.policyset import PolicySet
from gmspolicy.query.views import TableView

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium")
CHROMEDRIVER = shutil.which("chromedriver")


def small_table() -> str:
    """Four instruments (listed out of alphabetical order) x two countries."""
    seen = dt.date(2024, 1, 31)
    sources = [
        Source(
            "s1",
            "https://example.org/s1",
            "Source one",
            "Example",
            seen,
            authority=Authority.OFFICIAL,
        )
    ]
    countries = [
        Country("THA", "TH", "764", "Thailand", groups=(Group.GMS,), sources=("s1",)),
        Country("VNM", "VN", "704", "Viet Nam", groups=(Group.GMS,), sources=("s1",)),
    ]
    instruments = [
        Instrument(i, Body.UN, InstrumentKind.CONVENTION, f"{i} Convention", i, sources=("s1",))
        for i in ("Delta", "Alpha", "Charlie", "Bravo")
    ]

    def act(kind: ActionKind, date: str) -> Action:
        return Action(kind, dt.date.fromisoformat(date), ("s1",))

    parts = [
        Participation("THA", "Alpha", actions=(act(ActionKind.SIGNATURE, "2001-01-01"),)),
        Participation("THA", "Charlie", actions=(act(ActionKind.RATIFICATION, "2010-01-01"),)),
        Participation("THA", "Bravo", actions=(act(ActionKind.ACCESSION, "1999-01-01"),)),
        Participation("VNM", "Delta", actions=(act(ActionKind.RATIFICATION, "2005-01-01"),)),
        Participation("VNM", "Alpha", no_action=DatedFact(dt.date(2020, 1, 1), ("s1",))),
    ]
    pset = PolicySet.build(
        countries=countries,
        instruments=instruments,
        participations=parts,
        sources=sources,
        today=dt.date(2025, 1, 1),
    )
    out = HtmlExporter().render(TableView(pset, pset.matrix(), "en"))
    assert isinstance(out, str)
    return out


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
        "--window-size=1200,900",
        f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}",
    ):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    drv = webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))
    try:
        yield drv
    finally:
        drv.quit()


@pytest.fixture
def page(driver: Any, tmp_path: Path) -> Any:
    path = tmp_path / "table.html"
    path.write_text(small_table(), encoding="utf-8")
    driver.get(path.as_uri())
    return driver


def by_css(drv: Any, css: str) -> list[Any]:
    from selenium.webdriver.common.by import By

    return list(drv.find_elements(By.CSS_SELECTOR, css))


def visible_rows(drv: Any) -> list[str]:
    """The instrument names of the rows shown, top to bottom."""
    return [
        row.find_elements("css selector", "th")[0].text.split("\n")[0]
        for row in by_css(drv, "tbody tr")
        if row.is_displayed()
    ]


def sort_states(drv: Any) -> list[str]:
    return [th.get_attribute("aria-sort") for th in by_css(drv, "thead th")]


def test_style_and_script_run_under_the_csp(page: Any) -> None:
    assert by_css(page, ".controls")[0].is_displayed()
    unknown = by_css(page, "td.st-unknown")[0]
    assert unknown.value_of_css_property("border-left-style") == "dashed"
    no_action = by_css(page, "td.st-no-action")[0]
    assert no_action.value_of_css_property("border-left-style") == "solid"
    errors = [e["message"] for e in page.get_log("browser") if e["level"] == "SEVERE"]
    assert errors == []


def test_click_sorts_by_status_then_reverses(page: Any) -> None:
    assert visible_rows(page) == ["Delta", "Alpha", "Charlie", "Bravo"]
    assert sort_states(page) == ["none", "none", "none"]
    button = by_css(page, 'thead th button[data-col="1"]')[0]
    assert button.text == "Thailand"
    button.click()
    # parties first (by date), then signatories, then unknown
    assert visible_rows(page) == ["Bravo", "Charlie", "Alpha", "Delta"]
    assert sort_states(page) == ["none", "ascending", "none"]
    button.click()
    assert visible_rows(page) == ["Delta", "Alpha", "Charlie", "Bravo"]
    assert sort_states(page) == ["none", "descending", "none"]
    by_css(page, 'thead th button[data-col="2"]')[0].click()
    assert visible_rows(page) == ["Delta", "Alpha", "Charlie", "Bravo"]
    assert sort_states(page) == ["none", "none", "ascending"]


def test_keyboard_sorting(page: Any) -> None:
    from selenium.webdriver.common.keys import Keys

    field = by_css(page, "input[type=search]")[0]
    field.click()
    page.switch_to.active_element.send_keys(Keys.TAB)
    focused = page.switch_to.active_element
    assert focused.get_attribute("data-col") == "0"
    focused.send_keys(Keys.ENTER)
    assert visible_rows(page) == ["Alpha", "Bravo", "Charlie", "Delta"]
    assert sort_states(page) == ["ascending", "none", "none"]
    page.switch_to.active_element.send_keys(Keys.SPACE)
    assert visible_rows(page) == ["Delta", "Charlie", "Bravo", "Alpha"]
    assert sort_states(page) == ["descending", "none", "none"]


def test_filter_hides_rows_and_columns(page: Any) -> None:
    field = by_css(page, "input[type=search]")[0]
    field.send_keys("signed")
    assert visible_rows(page) == ["Alpha"]
    field.clear()
    field.send_keys("RATIFIED")
    assert visible_rows(page) == ["Delta", "Charlie"]
    field.clear()
    field.send_keys("no action")
    assert visible_rows(page) == ["Alpha"]
    field.clear()
    field.send_keys("zzz")
    assert visible_rows(page) == []
    # a country's name keeps every row and shows only that country's column
    field.clear()
    field.send_keys("viet")
    assert visible_rows(page) == ["Delta", "Alpha", "Charlie", "Bravo"]
    shown = [th.text for th in by_css(page, "thead th") if th.is_displayed()]
    assert shown == ["Instrument", "Viet Nam"]
    field.clear()
    field.send_keys(" ")
    assert visible_rows(page) == ["Delta", "Alpha", "Charlie", "Bravo"]
    assert [th.text for th in by_css(page, "thead th") if th.is_displayed()] == [
        "Instrument",
        "Thailand",
        "Viet Nam",
    ]
