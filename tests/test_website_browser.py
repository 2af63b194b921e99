"""The website in a real browser: Debian's chromium through selenium, served over loopback with
``Content-Security-Policy: default-src 'self'``. Every page type: 0 violations of axe-core (WCAG 2.1 A and AA and
best practices, German messages), no console error (a blocked style or script would show there), no horizontal
scrolling at 320 px; the tables are there with JavaScript off; the system's forced colours and high contrast.

One browser for all pages (tests/site_browser.py); the site is the shared small one (conftest: website). Skips with
the reason when chromium, chromedriver, selenium or axe-core is missing (.ci/run installs them).
"""

from __future__ import annotations

import pytest
from site_browser import Browser, missing, serve

pytestmark = pytest.mark.skipif(bool(missing()), reason=f"Browsertests übersprungen: {missing()}")

PAGE_TYPES = {
    "Startseite": "index.html",
    "Kennzahl mit Stadtteilen und Karte": "kennzahlen/dem-01.html",
    "Kennzahl mit Vergleich und Zielwert": "kennzahlen/arb-03.html",
    "Kennzahl ohne Daten": "kennzahlen/ges-04.html",
    "Kennzahlen A bis Z": "kennzahlen/index.html",
    "Stadtteile": "stadtteile/index.html",
    "Stadtteil": "stadtteile/01-altstadt.html",
    "Methoden": "methoden.html",
    "Zeichenerklärung": "zeichen.html",
    "Daten": "daten.html",
    "Impressum": "impressum.html",
    "Barrierefreiheit": "barrierefreiheit.html",
    "Leichte Sprache": "leichte-sprache.html",
}


@pytest.fixture(scope="module")
def browser(website):
    _workspace, result = website
    chromium = Browser()
    try:
        with serve(result.folder) as base:
            yield chromium, base
    finally:
        chromium.close()


def _problems(violations: list[dict]) -> list[str]:
    return [f"{v['id']} ({v['impact']}): {v['help']} – {'; '.join(v['nodes'][:3])}" for v in violations]


@pytest.mark.parametrize("page", PAGE_TYPES.values(), ids=PAGE_TYPES.keys())
def test_page_passes_axe_without_console_error_and_reflows_at_320_px(browser, page):
    chromium, base = browser
    console = chromium.open(base + page)
    assert [entry["message"] for entry in console if entry["level"] in ("SEVERE", "WARNING")] == []
    loaded = chromium.driver.execute_script("return performance.getEntriesByType('resource').map(e => e.name);")
    assert [url for url in loaded if not url.startswith(base)] == []  # nothing from another host
    assert _problems(chromium.axe()) == []
    chromium.width(320)
    try:
        assert chromium.overflow() == 0
    finally:
        chromium.width(None)


def test_tables_and_pictures_are_there_with_javascript_off(browser, website):
    from selenium.webdriver.common.by import By  # heavy: only where the browser tests run

    chromium, base = browser
    chromium.cdp("Emulation.setScriptExecutionDisabled", {"value": True})
    try:
        chromium.open(base + "kennzahlen/dem-01.html")
        tables = chromium.driver.find_elements(By.CSS_SELECTOR, "main table")
        images = chromium.driver.find_elements(By.CSS_SELECTOR, "main img")
        assert len(tables) == 2 and all(t.is_displayed() for t in tables)
        sources = [i.get_attribute("src").rsplit("/", 1)[-1] for i in images]
        assert sources == ["dem-01-zeitreihe.svg", "dem-01-pyramide.svg", "dem-01-stadtteile.svg", "dem-01-karte.svg"]
        assert all(chromium.driver.execute_script("return arguments[0].naturalWidth", i) > 0 for i in images)
    finally:
        chromium.cdp("Emulation.setScriptExecutionDisabled", {"value": False})


@pytest.mark.parametrize("feature", [("forced-colors", "active"), ("prefers-contrast", "more")])
def test_forced_colours_and_high_contrast_pass_axe(browser, feature):
    chromium, base = browser
    name, value = feature
    chromium.cdp("Emulation.setEmulatedMedia", {"features": [{"name": name, "value": value}]})
    try:
        chromium.open(base + "kennzahlen/dem-01.html")
        assert chromium.driver.execute_script(f"return matchMedia('({name}: {value})').matches") is True
        assert _problems(chromium.axe()) == []
    finally:
        chromium.cdp("Emulation.setEmulatedMedia", {"features": []})


def test_the_skip_link_is_the_first_stop_and_shows_itself(browser):
    from selenium.webdriver.common.keys import Keys  # heavy: only where the browser tests run

    chromium, base = browser
    chromium.open(base + "index.html")
    chromium.driver.find_element("tag name", "body").send_keys(Keys.TAB)
    active = chromium.driver.switch_to.active_element
    assert active.get_attribute("class") == "sprungmarke" and active.is_displayed()
    assert active.rect["y"] >= 0


def test_a_long_compound_in_the_facts_breaks_instead_of_widening_the_page(browser):
    """The demo's BIL-11 page names the Berufsqualifikationsfeststellungsgesetz in its definition: at 320 px that one
    word made the page 9 px wider than the screen."""
    chromium, base = browser
    chromium.open(base + "kennzahlen/bil-06.html")
    chromium.driver.execute_script("document.querySelector('dl.angaben dd').textContent = "
                                   "'Anerkennung nach dem Berufsqualifikationsfeststellungsgesetz';")
    chromium.width(320)
    try:
        assert chromium.overflow() == 0
    finally:
        chromium.width(None)
