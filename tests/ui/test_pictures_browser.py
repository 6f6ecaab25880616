"""The interactive network, timeline and map in headless Chromium (Debian's chromium and chromium-driver), used as a
person would: click a name and land on its page, filter, hover, click a country. Every test also checks that the
browser logged no SEVERE error and that no request left 127.0.0.1. The real server runs as a subprocess bound to
127.0.0.1 (the ``server`` fixture of conftest.py; ``browser``, one Chromium for the module, too). Skipped only when
/usr/bin/chromium is absent."""

from __future__ import annotations

import functools
import json
import urllib.request
from pathlib import Path
from urllib.parse import quote

import pytest

from allegiance.web import pictures

from .browser import CHROMIUM, requested_urls, severe, wait

pytestmark = [pytest.mark.slow, pytest.mark.browser]

if not CHROMIUM.exists():
    pytest.skip("/usr/bin/chromium is absent: apt-get install -y chromium chromium-driver", allow_module_level=True)
if not all(pictures.vendor_installed(p) for p in pictures.VENDOR):
    pytest.skip("the front-end packages are not installed: run `npm ci`", allow_module_level=True)

IS = "https://w3id.org/allegiance/id/islamic-state"

_wait = functools.partial(wait, seconds=40)


def _json(url):
    with urllib.request.urlopen(url, timeout=60) as r:
        return json.loads(r.read())


def _open(browser, url, app_id):
    browser.get(url)
    _wait(browser, lambda d: d.execute_script(f"return document.getElementById('{app_id}').dataset.ready === '1'"))


def _assert_clean(browser, base):
    """No SEVERE entry in the browser's console, and every network request went to the test server (the browser's
    own chrome:// pages, and data: URLs, are not the network)."""
    errors = severe(browser)
    assert not errors, errors
    urls = requested_urls(browser)
    assert urls
    strays = [u for u in urls if not u.startswith(("chrome:", "data:", "about:")) and not u.startswith(base + "/")]
    assert not strays, strays


def _click_at(browser, element, x, y):
    """A real mouse click at (x, y) pixels from the element's top-left corner (scrolled into view first: the
    WebDriver offsets are from the centre of the element's visible part)."""
    from selenium.webdriver.common.action_chains import ActionChains

    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
    size = element.size
    ActionChains(browser).move_to_element_with_offset(element, x - size["width"] / 2, y - size["height"] / 2) \
        .click().perform()


def _visible_edges(browser):
    return browser.execute_script("return window.allegianceNetwork.cy.edges(':visible').map(e => e.id()).sort()")


def test_network_click_a_name_opens_its_page(server, browser):
    from selenium.webdriver.common.by import By

    _open(browser, server + "/network", "network-app")
    graph = browser.find_element(By.ID, "network-graph")
    x, y = browser.execute_script(
        "const p = window.allegianceNetwork.cy.getElementById(arguments[0]).renderedPosition(); return [p.x, p.y]", IS)
    _assert_clean(browser, server)
    _click_at(browser, graph, x, y)
    _wait(browser, lambda d: d.current_url.split("?")[0].endswith("/id/islamic-state.html"))
    assert browser.current_url.startswith(server + "/")


def test_network_labels_never_overlap_at_the_default_zoom(server, browser):
    from selenium.webdriver.common.by import By

    _open(browser, server + "/network", "network-app")
    script = """
      const cy = window.allegianceNetwork.cy;
      return cy.nodes(':visible').filter(n => !n.hasClass('nolabel')).map(n => {
        const b = n.renderedBoundingBox({includeNodes: false, includeEdges: false, includeLabels: true});
        return [n.data('label'), b.x1, b.y1, b.x2, b.y2];
      });"""
    for step in range(2):
        if step == 1:  # more names: the accusations too
            browser.find_element(By.CSS_SELECTOR, "#network-kinds input[value='accusation:']").click()
            _wait(browser, lambda d: d.execute_script("return document.getElementById('network-app').dataset.ready"))
        boxes = browser.execute_script(script)
        assert len(boxes) >= 10 and "Islamic State" in [b[0] for b in boxes]
        for i, a in enumerate(boxes):
            assert a[3] > a[1] and a[4] > a[2]
            for b in boxes[i + 1:]:
                assert not (a[1] < b[3] and b[1] < a[3] and a[2] < b[4] and b[2] < a[4]), (a, b)
        width, height = browser.execute_script(
            "const r = document.getElementById('network-graph').getBoundingClientRect(); return [r.width, r.height]")
        assert all(0 <= b[1] and b[3] <= width + 1 and 0 <= b[2] and b[4] <= height + 1 for b in boxes)
    _assert_clean(browser, server)


def test_network_filters_change_what_is_shown(server, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    data = _json(server + "/network.json")
    _open(browser, server + "/network", "network-app")

    def expected(kinds_off=(), year=None):
        keep = []
        for e in data["edges"]:
            if e["relation"] == "accusation" or f"{e['relation']}:{e['kind'] or ''}" in kinds_off:
                continue
            if year is not None and (e["from_year"] is None or e["from_year"] > year or
                                     (e["to_year"] is not None and e["to_year"] < year)):
                continue
            keep.append(e["id"])
        return sorted(keep)

    assert _visible_edges(browser) == expected()
    browser.find_element(By.CSS_SELECTOR, "#network-kinds input[value='pledge:allegiance']").click()
    _wait(browser, lambda d: d.execute_script("return document.getElementById('network-app').dataset.ready"))
    assert _visible_edges(browser) == expected(("pledge:allegiance",)) != expected()
    Select(browser.find_element(By.ID, "network-year")).select_by_value("2014")
    _wait(browser, lambda d: d.execute_script("return document.getElementById('network-app').dataset.ready"))
    assert _visible_edges(browser) == expected(("pledge:allegiance",), 2014)
    assert "left out of 2014" in browser.find_element(By.ID, "network-count").text
    # a click on an arrow lists its claims with their sources
    x, y = browser.execute_script("""
      const cy = window.allegianceNetwork.cy, nodes = cy.nodes(':visible');
      const e = cy.edges(':visible').filter(e => { const m = e.renderedMidpoint();
        return nodes.every(n => Math.hypot(n.renderedPosition().x - m.x, n.renderedPosition().y - m.y) > 30); })[0];
      const m = e.renderedMidpoint(); return [m.x, m.y];""")
    _click_at(browser, browser.find_element(By.ID, "network-graph"), x, y)
    claims = _wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#network-details ul.claims li a"))
    assert claims[0].get_attribute("href").startswith(server + "/id/")
    assert browser.find_elements(By.CSS_SELECTOR, "#network-details .source a[href*='/source/']")
    _assert_clean(browser, server)


def test_timeline_filter_hover_and_click(server, browser):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By

    data = _json(server + "/timeline.json")
    _open(browser, server + "/timeline", "timeline-app")
    marks = browser.find_elements(By.CSS_SELECTOR, "#timeline-chart a.mark")
    assert len(marks) == len(data["marks"]) > 10
    undated = browser.find_elements(By.CSS_SELECTOR, "#timeline-undated li")
    assert len(undated) == len(data["undated"]) > 0
    # a year-precision mark spans one year of the axis, a day-precision one is a point
    spans = browser.execute_script("""
      const ticks = [...document.querySelectorAll('#timeline-chart svg g.tick')].map(t =>
        new DOMMatrix(getComputedStyle(t).transform).m41 || t.transform.baseVal[0].matrix.e);
      const year = ticks[1] - ticks[0];
      const bar = document.querySelector('#timeline-chart a.mark[data-precision=year] rect');
      return [year, bar.getBBox().width,
              document.querySelectorAll('#timeline-chart a.mark[data-precision=day] circle').length];""")
    assert abs(spans[0] - spans[1]) < 1.5 and spans[2] == sum(m["precision"] == "day" for m in data["marks"])
    browser.find_element(By.CSS_SELECTOR, "#timeline-lanes input[value='accusation']").click()
    left = browser.find_elements(By.CSS_SELECTOR, "#timeline-chart a.mark")
    accusations = sum(m["lane"] == "accusation" for m in data["marks"])
    assert accusations and len(left) == len(data["marks"]) - accusations
    assert len(browser.find_elements(By.CSS_SELECTOR, "#timeline-undated li")) == \
        sum(m["lane"] != "accusation" for m in data["undated"])
    mark = left[0]
    claim = next(m for m in data["marks"] if m["claim"] == mark.get_attribute("data-claim"))
    ActionChains(browser).move_to_element(mark).perform()
    tip = _wait(browser, lambda d: [t for t in d.find_elements(By.CSS_SELECTOR, ".picture-tooltip")
                                    if t.is_displayed()])
    assert claim["label"] in tip[0].text and claim["sources"][0]["title"] in tip[0].text
    mark.click()
    _wait(browser, lambda d: d.current_url == server + claim["href"])
    _assert_clean(browser, server)


def test_map_shades_countries_and_lists_claims(server, browser):
    from selenium.webdriver.common.by import By

    data = _json(server + "/map.json")
    _open(browser, server + "/map", "map-app")
    shaded = {p.get_attribute("data-name") for p in browser.find_elements(By.CSS_SELECTOR, "path.country.has-data")}
    assert shaded == {c["atlas_name"] for c in data["countries"] if c["groups"] and c["atlas_name"]}
    assert "Pakistan" in shaded
    browser.find_element(By.CSS_SELECTOR, "path.country[data-name='Pakistan']").click()
    links = _wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#map-details ul.claims li a"))
    pakistan = next(c for c in data["countries"] if c["atlas_name"] == "Pakistan")
    hrefs = {a.get_attribute("href") for a in links}
    assert {server + p["href"] for p in pakistan["pledges"]} <= hrefs
    browser.find_element(By.CSS_SELECTOR, "input[name=view][value=accusations]").click()
    shaded = {p.get_attribute("data-name") for p in browser.find_elements(By.CSS_SELECTOR, "path.country.has-data")}
    assert shaded == {c["atlas_name"] for c in data["countries"] if c["accusations"] and c["atlas_name"]}
    assert "Turkey" in shaded
    unplaced = browser.find_element(By.ID, "map-unplaced").text
    for c in data["countries"]:
        if c["accusations"] and not c["atlas_name"]:
            assert c["label"] in unplaced
    _assert_clean(browser, server)


def test_neighbour_widget_draws_and_links(server, browser):
    _open(browser, server + "/network", "network-app")  # a page that loads Cytoscape
    data = _json(server + "/network/neighbours.json?entity=" + quote(IS, safe=""))
    browser.execute_script("""
      const div = document.createElement('div');
      div.className = 'neighbour-network'; div.id = 'nn'; div.style.width = '600px';
      div.dataset.src = '/network/neighbours.json?entity=' + encodeURIComponent(arguments[0]);
      document.querySelector('main').prepend(div);
      const s = document.createElement('script'); s.src = '/static/ui/js/neighbours.js';
      document.body.appendChild(s);""", IS)
    _wait(browser, lambda d: d.execute_script("return document.getElementById('nn').dataset.ready === '1'"))
    ids = browser.execute_script("return document.getElementById('nn').cy.nodes().map(n => n.id()).sort()")
    assert ids == sorted(n["id"] for n in data["nodes"]) and IS in ids
    other = next(n for n in data["nodes"] if not n["center"] and n["href"])
    x, y = browser.execute_script(
        "const p = document.getElementById('nn').cy.getElementById(arguments[0]).renderedPosition();"
        "return [p.x, p.y]", other["id"])
    from selenium.webdriver.common.by import By

    _assert_clean(browser, server)
    _click_at(browser, browser.find_element(By.ID, "nn"), x, y)
    _wait(browser, lambda d: d.current_url == server + other["href"])


def test_pages_fit_1400_wide(server, browser):
    for path, app in (("/network", "network-app"), ("/timeline", "timeline-app"), ("/map", "map-app")):
        _open(browser, server + path, app)
        assert browser.execute_script("return document.documentElement.scrollWidth") <= 1400, path
    _assert_clean(browser, server)


def test_vendor_files_are_not_in_the_repository():
    root = Path(__file__).resolve().parents[2]
    for name in ("cytoscape.min.js", "d3.min.js", "topojson-client.min.js", "countries-110m.json"):
        assert not [p for p in (root / "src").rglob(name)], name
