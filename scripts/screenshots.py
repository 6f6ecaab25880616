#!/usr/bin/env python3
"""Screenshots of every page of the web UI, at 1400x1000, for a reviewer to look at.

    python scripts/screenshots.py                       # serves the knowledge graph itself, writes screenshots/
    python scripts/screenshots.py --out /tmp/shots --url http://127.0.0.1:8000   # a server already running

Needs Debian's Chromium and its driver (``apt-get install chromium chromium-driver``) and Selenium (the ``test``
extra). Without ``--url`` it starts ``allegiance serve`` on a free loopback port and stops it at the end. Each page is
one PNG named after it; the query page is shot twice more: with a query's results, and with a query the server
refuses (its message shown).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the checkout: tests.ui.browser

from tests.ui.browser import CHROMEDRIVER, CHROMIUM, chromium, served  # noqa: E402

PAGES = (
    ("query", "/"),
    ("sparql", "/sparql"),
    ("void", "/.well-known/void"),
    ("ontology", "/ontology"),
    ("api", "/api"),
    ("network", "/network"),
    ("timeline", "/timeline"),
    ("map", "/map"),
    ("entity-islamic-state", "/id/islamic-state"),
    ("entity-islamic-state-accusations-page-2", "/id/islamic-state.html?group=accusation&page=2#accusation"),
    ("entity-turkey", "/id/turkey"),
    ("claim", "/id/s001-accusation-saudi-section-maliki-funding"),
    ("concept-denied", "/concept/denied"),
    ("source-001", "/source/001_663e35e9f03aa9a9"),
    ("source-000", "/source/000_fac6d62cb4587eed"),
)
FAILING_QUERY = "SELECT * WHERE { ?s ?p }"


@contextlib.contextmanager
def serving(url: str | None) -> Iterator[str]:
    """``url``, or a server of our own on a free loopback port, stopped at the end."""
    if url:
        yield url.rstrip("/")
        return
    with served(["allegiance", "serve"], ready="/sparql?query=ASK%7B%7D", seconds=120, pause=0.2,
                fail=sys.exit) as base:
        yield base


def browser() -> contextlib.AbstractContextManager:
    """Debian's headless Chromium at 1400x1000 (tests/ui/browser.py), its scrollbars hidden, quit at the end."""
    return chromium("--hide-scrollbars", logs=False)


def settle(driver, seconds: float = 1.0) -> None:
    """Wait for the page to load and its scripts to draw (a bounded, fixed pause)."""
    for _ in range(100):
        if driver.execute_script("return document.readyState") == "complete":
            break
        time.sleep(0.1)
    time.sleep(seconds)


def query_page_shots(driver, base: str, out: Path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get(base + "/")
    settle(driver)
    if driver.execute_script("return !!window.allegianceYasgui"):
        driver.execute_script("window.allegianceYasgui.getTab().getYasqe().query()")
        WebDriverWait(driver, 30).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".yasr table tbody tr"))
        driver.execute_script("document.querySelector('.yasr').scrollIntoView()")
        settle(driver, 0.5)
        driver.save_screenshot(str(out / "query-results.png"))
        driver.execute_script("window.allegianceYasgui.getTab().setQuery(arguments[0]);"
                              "window.allegianceYasgui.getTab().getYasqe().query()", FAILING_QUERY)
        WebDriverWait(driver, 30).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".server-error"))
        driver.execute_script("document.querySelector('.yasqe').scrollIntoView()")
        settle(driver, 0.5)
        driver.save_screenshot(str(out / "query-error.png"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=Path("screenshots"), help="folder of the PNGs (made if absent)")
    parser.add_argument("--url", help="a running server (default: start one on a free loopback port)")
    args = parser.parse_args(argv)
    if not CHROMIUM.exists() or not CHROMEDRIVER.exists():
        print("needs /usr/bin/chromium and /usr/bin/chromedriver: apt-get install chromium chromium-driver",
              file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("NO_PROXY", "127.0.0.1,localhost")
    with serving(args.url) as base, browser() as driver:
        for name, path in PAGES:
            driver.get(base + path)
            settle(driver)
            driver.save_screenshot(str(args.out / f"{name}.png"))
            print(f"{name}.png  {path}")
        query_page_shots(driver, base, args.out)
        print("query-results.png, query-error.png  /")
    return 0


if __name__ == "__main__":
    sys.exit(main())
