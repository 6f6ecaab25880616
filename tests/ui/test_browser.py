"""The web UI in headless Chromium (Debian's `chromium` and `chromium-driver`), driven by Selenium.

The real server runs as a subprocess bound to 127.0.0.1: the endpoint's app with the web UI's routes
(tests/ui/serve_app.py; the ``server`` and ``browser`` fixtures of conftest.py, from browser.py). Skipped only when
/usr/bin/chromium is absent.
"""

from __future__ import annotations

import pytest

from allegiance.sparql.canned import load_queries
from allegiance.web import ui as webui

from .browser import CHROMIUM, wait

pytestmark = pytest.mark.slow

if not CHROMIUM.exists():
    pytest.skip("/usr/bin/chromium is absent: apt-get install -y chromium chromium-driver", allow_module_level=True)


def test_query_page_runs_a_query(server, browser):
    from selenium.webdriver.common.by import By

    browser.get(server + "/")
    assert "allegiance" in browser.title
    if webui.yasgui_installed():
        wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#yasgui .yasqe .CodeMirror"))
        assert "PREFIX" in browser.execute_script("return window.allegianceYasgui.getTab().getQuery()")
        browser.find_element(By.CSS_SELECTOR, ".yasqe_queryButton").click()
        rows = wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, ".yasr table tbody tr"))
    else:
        browser.find_element(By.ID, "plain-run").click()
        rows = wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#plain-results table tbody tr"))
    assert len(rows) > 5
    assert "Islamic State" in browser.page_source or "islamic-state" in browser.page_source
    links = {a.get_attribute("data-format"): a.get_attribute("href")
             for a in browser.find_elements(By.CSS_SELECTOR, "#downloads a")}
    assert links["csv"].startswith(server + "/sparql?query=") and links["csv"].endswith("&format=csv")
    assert links["ttl"] is None  # a SELECT: the graph formats are off


def test_example_picker_loads_a_canned_query(server, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    browser.get(server + "/")
    if webui.yasgui_installed():
        wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#yasgui .yasqe .CodeMirror"))
    Select(browser.find_element(By.ID, "example-picker")).select_by_value("timeline")
    if webui.yasgui_installed():
        text = browser.execute_script("return window.allegianceYasgui.getTab().getQuery()")
    else:
        text = browser.find_element(By.ID, "plain-query").get_attribute("value")
    canned = load_queries()["timeline"]
    assert canned.summary in text and "GROUP BY" in text
    shown = browser.find_element(By.ID, "example-description").text
    assert " ".join(canned.description.split()[:6]) in shown


def test_network_page_draws(server, browser):
    from selenium.webdriver.common.by import By

    browser.get(server + "/network?year=2014")
    svg = wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#network svg"))[0]
    assert svg.size["width"] > 300 and svg.size["height"] > 200
    nodes = browser.find_elements(By.CSS_SELECTOR, "#network svg g[id^='node-']")
    assert len(nodes) >= 3
    assert browser.find_elements(By.CSS_SELECTOR, "#network svg g#node-islamic-state")
    assert "active in 2014" in svg.text


def test_timeline_page_draws(server, browser):
    from selenium.webdriver.common.by import By

    browser.get(server + "/timeline")
    svg = wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#timeline svg"))[0]
    assert browser.find_elements(By.CSS_SELECTOR, "#timeline svg [id^='year-']")
    assert "Claims per year" in svg.text
