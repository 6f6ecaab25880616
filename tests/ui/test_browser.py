"""The web UI in headless Chromium (Debian's `chromium` and `chromium-driver`), driven by Selenium.

The real server runs as a subprocess bound to 127.0.0.1: the endpoint's app with the web UI's routes
(tests/ui/serve_app.py). Skipped only when /usr/bin/chromium is absent.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

from allegiance.sparql.canned import load_queries
from allegiance.web import ui as webui
from tests.helpers import free_port

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow

if not CHROMIUM.exists():
    pytest.skip("/usr/bin/chromium is absent: apt-get install -y chromium chromium-driver", allow_module_level=True)



@pytest.fixture(scope="module")
def server():
    port = free_port()
    log = tempfile.TemporaryFile()
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "--factory", "tests.ui.serve_app:create", "--host", "127.0.0.1",
         "--port", str(port), "--log-level", "warning"],
        cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            if proc.poll() is not None:
                log.seek(0)
                pytest.fail("the server stopped:\n" + log.read().decode("utf-8", "replace")[-3000:])
            try:
                with urllib.request.urlopen(base + "/", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("the server did not answer within 90 s")
            time.sleep(0.3)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        log.close()


@pytest.fixture(scope="module")
def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    if not CHROMEDRIVER.exists():
        pytest.fail("/usr/bin/chromedriver is missing: apt-get install -y chromium-driver")
    profile = tempfile.mkdtemp(prefix="allegiance-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 f"--user-data-dir={profile}", "--window-size=1400,1200"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()


def _wait(driver, condition, seconds=30):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, seconds).until(condition)


def test_query_page_runs_a_query(server, browser):
    from selenium.webdriver.common.by import By

    browser.get(server + "/")
    assert "allegiance" in browser.title
    if webui.yasgui_installed():
        _wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#yasgui .yasqe .CodeMirror"))
        assert "PREFIX" in browser.execute_script("return window.allegianceYasgui.getTab().getQuery()")
        browser.find_element(By.CSS_SELECTOR, ".yasqe_queryButton").click()
        rows = _wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, ".yasr table tbody tr"))
    else:
        browser.find_element(By.ID, "plain-run").click()
        rows = _wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#plain-results table tbody tr"))
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
        _wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#yasgui .yasqe .CodeMirror"))
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
    svg = _wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#network svg"))[0]
    assert svg.size["width"] > 300 and svg.size["height"] > 200
    nodes = browser.find_elements(By.CSS_SELECTOR, "#network svg g[id^='node-']")
    assert len(nodes) >= 3
    assert browser.find_elements(By.CSS_SELECTOR, "#network svg g#node-islamic-state")
    assert "active in 2014" in svg.text


def test_timeline_page_draws(server, browser):
    from selenium.webdriver.common.by import By

    browser.get(server + "/timeline")
    svg = _wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#timeline svg"))[0]
    assert browser.find_elements(By.CSS_SELECTOR, "#timeline svg [id^='year-']")
    assert "Claims per year" in svg.text
