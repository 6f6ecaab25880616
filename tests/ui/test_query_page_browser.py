"""The query page in headless Chromium (Debian's `chromium` and `chromium-driver`, 1400x1000), driven by Selenium:
refused queries show the server's message, result IRIs link to this server's pages, a canned query's form runs,
and nothing is fetched from anywhere but the server (127.0.0.1), with no error in the console.

The real server runs as a subprocess bound to 127.0.0.1 (tests/ui/serve_app.py) and is stopped at the end.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from allegiance.web import ui as webui
from tests.helpers import free_port

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
ROOT = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.slow, pytest.mark.browser]

if not CHROMIUM.exists():
    pytest.skip("/usr/bin/chromium is absent: apt-get install -y chromium chromium-driver", allow_module_level=True)
if not webui.yasgui_installed():
    pytest.skip("YASGUI is not installed: run `npm ci`", allow_module_level=True)

SYNTAX_ERROR = "SELECT * WHERE { ?s ?p }"
FORBIDDEN_SERVICE = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"


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
        for _ in range(300):  # bounded: about 90 s
            if proc.poll() is not None:
                log.seek(0)
                pytest.fail("the server stopped:\n" + log.read().decode("utf-8", "replace")[-3000:])
            try:
                with urllib.request.urlopen(base + "/", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            time.sleep(0.3)
        else:
            pytest.fail("the server did not answer")
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        log.close()


@pytest.fixture()
def browser():
    """A fresh browser per test, so each test reads only its own console and network logs."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    if not CHROMEDRIVER.exists():
        pytest.fail("/usr/bin/chromedriver is missing: apt-get install -y chromium-driver")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 f"--user-data-dir={tempfile.mkdtemp(prefix='allegiance-chromium-')}", "--window-size=1400,1000"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(60)
    driver.set_window_size(1400, 1000)
    try:
        yield driver
    finally:
        driver.quit()


def _wait(driver, condition, seconds=30):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, seconds).until(condition)


def _open(driver, base):
    from selenium.webdriver.common.by import By

    driver.get(base + "/")
    _wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#yasgui .yasqe .CodeMirror"))


def _run(driver, query):
    from selenium.webdriver.common.by import By

    driver.execute_script("window.allegianceYasgui.getTab().setQuery(arguments[0])", query)
    driver.find_element(By.CSS_SELECTOR, ".yasqe_queryButton").click()


def _error_text(driver) -> str:
    from selenium.webdriver.common.by import By

    return _wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, ".yasr .server-error"))[0].text


def _server_message(base: str, query: str) -> tuple[int, str]:
    """What the server itself answers to ``query`` (status, detail), asked without the browser."""
    req = urllib.request.Request(base + "/sparql", data=urllib.parse.urlencode({"query": query}).encode(),
                                 headers={"Accept": "application/sparql-results+json"})
    try:
        urllib.request.urlopen(req, timeout=30)
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())["detail"]
    pytest.fail(f"the server accepted {query!r}")


def _requests(driver) -> list[str]:
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def _severe(driver) -> list[dict]:
    return [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]


@pytest.mark.parametrize("query, status", [(SYNTAX_ERROR, 400), (FORBIDDEN_SERVICE, 403)])
def test_a_refused_query_shows_the_servers_message(server, browser, query, status):
    code, detail = _server_message(server, query)
    assert code == status
    _open(browser, server)
    _run(browser, query)
    shown = _error_text(browser)
    assert str(status) in shown
    assert detail.strip().splitlines()[0] in shown  # the server's own words, not "Response in 0.07 seconds"
    severe = [e for e in _severe(browser) if e.get("source") != "network"]  # the 4xx itself is logged by Chromium
    assert not severe, severe  # in particular no "Failed to construct 'URL'"


def test_result_iris_link_to_this_servers_pages_with_short_names(server, browser):
    from selenium.webdriver.common.by import By

    _open(browser, server)
    _run(browser, "PREFIX alg: <https://w3id.org/allegiance/ontology#> PREFIX dcterms: <http://purl.org/dc/terms/>\n"
                  "SELECT ?pledge ?date WHERE { ?pledge a alg:Pledge ; dcterms:date ?date } ORDER BY ?pledge LIMIT 5")
    links = _wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, ".yasr table tbody a.iri"))
    first = links[0]
    assert first.get_attribute("href").startswith(server + "/id/") and first.get_attribute("href").endswith(".html")
    assert first.text.startswith("id:")  # abbreviated with the project's prefixes
    assert "https://w3id.org/allegiance/id/" in first.get_attribute("title")
    datatypes = [e.text for e in browser.find_elements(By.CSS_SELECTOR, ".yasr table tbody sup.datatype")]
    assert datatypes and all(d.startswith("xsd:") for d in datatypes)
    first.click()
    _wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "h1"))
    assert browser.current_url.startswith(server + "/id/")
    assert browser.find_elements(By.CSS_SELECTOR, "table.summary")
    assert not _severe(browser)


def test_a_canned_querys_form_runs_and_its_bad_value_shows_the_message(server, browser):
    from selenium.webdriver.common.by import By

    _open(browser, server)
    browser.find_element(By.CSS_SELECTOR, "button.canned-query[value='accusations-against']").click()
    assert "accused" in browser.execute_script("return window.allegianceYasgui.getTab().getQuery()")
    field = browser.find_element(By.CSS_SELECTOR, "#canned-form [data-parameter='accused']")
    field.clear()
    field.send_keys("https://w3id.org/allegiance/id/qatar")
    browser.find_element(By.ID, "canned-run").click()
    rows = _wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, ".yasr table tbody tr"))
    assert rows and "qatar" in browser.find_element(By.CSS_SELECTOR, ".yasr table tbody").get_attribute("innerHTML")
    field = browser.find_element(By.CSS_SELECTOR, "#canned-form [data-parameter='accused']")
    field.clear()
    field.send_keys("not an IRI")
    browser.find_element(By.ID, "canned-run").click()
    shown = _error_text(browser)
    assert "400" in shown and "'accused'" in shown and "not an absolute IRI" in shown


def test_the_page_needs_nothing_but_this_server(server, browser):
    from selenium.webdriver.common.by import By

    _open(browser, server)
    browser.find_element(By.CSS_SELECTOR, ".yasqe_queryButton").click()
    _wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, ".yasr table tbody tr"))
    browser.get(server + "/id/islamic-state")
    _wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, ".claim-group"))
    host = urlsplit(server).netloc
    fetched = [u for u in _requests(browser) if u.startswith(("http:", "https:", "ws:", "wss:"))]
    assert fetched and all(urlsplit(u).netloc == host for u in fetched), fetched
    assert not _severe(browser)
