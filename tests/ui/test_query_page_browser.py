"""The query page in headless Chromium (Debian's `chromium` and `chromium-driver`, 1400x1000), driven by Selenium:
refused queries show the server's message, result IRIs link to this server's pages, a canned query's form runs,
and nothing is fetched from anywhere but the server (127.0.0.1), with no error in the console.

The real server runs as a subprocess bound to 127.0.0.1 (tests/ui/serve_app.py, the ``server`` fixture of conftest.py)
and is stopped at the end.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from urllib.parse import urlsplit

import pytest

from allegiance.web import ui as webui

from .browser import CHROMIUM, chromium, requested_urls, severe, wait

pytestmark = [pytest.mark.slow, pytest.mark.browser]

if not CHROMIUM.exists():
    pytest.skip("/usr/bin/chromium is absent: apt-get install -y chromium chromium-driver", allow_module_level=True)
if not webui.yasgui_installed():
    pytest.skip("YASGUI is not installed: run `npm ci`", allow_module_level=True)

SYNTAX_ERROR = "SELECT * WHERE { ?s ?p }"
FORBIDDEN_SERVICE = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"


@pytest.fixture()
def browser():
    """A fresh browser per test, so each test reads only its own console and network logs."""
    with chromium() as driver:
        yield driver


def _open(driver, base):
    from selenium.webdriver.common.by import By

    driver.get(base + "/")
    wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#yasgui .yasqe .CodeMirror"))


def _run(driver, query):
    from selenium.webdriver.common.by import By

    driver.execute_script("window.allegianceYasgui.getTab().setQuery(arguments[0])", query)
    driver.find_element(By.CSS_SELECTOR, ".yasqe_queryButton").click()


def _error_text(driver) -> str:
    from selenium.webdriver.common.by import By

    return wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, ".yasr .server-error"))[0].text


def _server_message(base: str, query: str) -> tuple[int, str]:
    """What the server itself answers to ``query`` (status, detail), asked without the browser."""
    req = urllib.request.Request(base + "/sparql", data=urllib.parse.urlencode({"query": query}).encode(),
                                 headers={"Accept": "application/sparql-results+json"})
    try:
        urllib.request.urlopen(req, timeout=30)
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())["detail"]
    pytest.fail(f"the server accepted {query!r}")


@pytest.mark.parametrize("query, status", [(SYNTAX_ERROR, 400), (FORBIDDEN_SERVICE, 403)])
def test_a_refused_query_shows_the_servers_message(server, browser, query, status):
    code, detail = _server_message(server, query)
    assert code == status
    _open(browser, server)
    _run(browser, query)
    shown = _error_text(browser)
    assert str(status) in shown
    assert detail.strip().splitlines()[0] in shown  # the server's own words, not "Response in 0.07 seconds"
    errors = [e for e in severe(browser) if e.get("source") != "network"]  # the 4xx itself is logged by Chromium
    assert not errors, errors  # in particular no "Failed to construct 'URL'"


def test_result_iris_link_to_this_servers_pages_with_short_names(server, browser):
    from selenium.webdriver.common.by import By

    _open(browser, server)
    _run(browser, "PREFIX alg: <https://w3id.org/allegiance/ontology#> PREFIX dcterms: <http://purl.org/dc/terms/>\n"
                  "SELECT ?pledge ?date WHERE { ?pledge a alg:Pledge ; dcterms:date ?date } ORDER BY ?pledge LIMIT 5")
    links = wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, ".yasr table tbody a.iri"))
    first = links[0]
    assert first.get_attribute("href").startswith(server + "/id/") and first.get_attribute("href").endswith(".html")
    assert first.text.startswith("id:")  # abbreviated with the project's prefixes
    assert "https://w3id.org/allegiance/id/" in first.get_attribute("title")
    datatypes = [e.text for e in browser.find_elements(By.CSS_SELECTOR, ".yasr table tbody sup.datatype")]
    assert datatypes and all(d.startswith("xsd:") for d in datatypes)
    first.click()
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "h1"))
    assert browser.current_url.startswith(server + "/id/")
    assert browser.find_elements(By.CSS_SELECTOR, "table.summary")
    assert not severe(browser)


def test_a_canned_querys_form_runs_and_its_bad_value_shows_the_message(server, browser):
    from selenium.webdriver.common.by import By

    _open(browser, server)
    browser.find_element(By.CSS_SELECTOR, "button.canned-query[value='accusations-against']").click()
    assert "accused" in browser.execute_script("return window.allegianceYasgui.getTab().getQuery()")
    field = browser.find_element(By.CSS_SELECTOR, "#canned-form [data-parameter='accused']")
    field.clear()
    field.send_keys("https://w3id.org/allegiance/id/qatar")
    browser.find_element(By.ID, "canned-run").click()
    rows = wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, ".yasr table tbody tr"))
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
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, ".yasr table tbody tr"))
    browser.get(server + "/id/islamic-state")
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, ".claim-group"))
    host = urlsplit(server).netloc
    fetched = [u for u in requested_urls(browser) if u.startswith(("http:", "https:", "ws:", "wss:"))]
    assert fetched and all(urlsplit(u).netloc == host for u in fetched), fetched
    assert not severe(browser)
