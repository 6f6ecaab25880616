"""The browser tests' plumbing, shared with scripts/screenshots.py: a server subprocess bound to 127.0.0.1 that is
waited for in a bounded loop, Debian's headless Chromium driven by Selenium at 1400x1000, and the readers of its
console and network logs. Plain functions (no pytest here): the fixtures are in conftest.py."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, NoReturn

from tests.helpers import free_port

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
ROOT = Path(__file__).resolve().parents[2]
SIZE = (1400, 1000)
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync")


def _raise(message: str) -> NoReturn:
    raise RuntimeError(message)


@contextlib.contextmanager
def served(module_args: Sequence[str], *, ready: str = "/", seconds: float = 90.0, pause: float = 0.3,
           fail: Callable[[str], Any] = _raise, cwd: Path | None = None,
           env: dict[str, str] | None = None) -> Iterator[str]:
    """``python -m <module_args> --host 127.0.0.1 --port <a free port>`` as a subprocess, yielding its base URL once
    ``ready`` answers 200 (asked every ``pause`` seconds for at most ``seconds``), stopped at the end. ``fail`` is
    called with the reason when the server stops or never answers (it must raise: ``pytest.fail``, ``sys.exit``)."""
    port = free_port()
    log = tempfile.TemporaryFile()
    proc = subprocess.Popen([sys.executable, "-m", *module_args, "--host", "127.0.0.1", "--port", str(port)],
                            cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        reason = _wait_for(proc, log, base + ready, seconds, pause)
        if reason:
            fail(reason)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        log.close()


def _wait_for(proc: subprocess.Popen, log, url: str, seconds: float, pause: float) -> str | None:
    """None once ``url`` answers 200, else why not: the server stopped, or ``seconds`` went by."""
    deadline = time.monotonic() + seconds
    for _ in range(max(1, round(seconds / pause))):  # bounded twice: by the count and by the deadline
        if proc.poll() is not None:
            log.seek(0)
            return "the server stopped:\n" + log.read().decode("utf-8", "replace")[-3000:]
        with contextlib.suppress(OSError):
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return None
        if time.monotonic() > deadline:
            break
        time.sleep(pause)
    return f"the server did not answer within {seconds:g} s"


def ui_server(fail: Callable[[str], Any] = _raise) -> contextlib.AbstractContextManager[str]:
    """The app of tests/ui/serve_app.py (the endpoint with the web UI's routes) served from the checkout."""
    return served(["uvicorn", "--factory", "tests.ui.serve_app:create", "--log-level", "warning"], fail=fail,
                  cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})


@contextlib.contextmanager
def chromium(*flags: str, logs: bool = True) -> Iterator[Any]:
    """A headless Chromium at 1400x1000 driven through /usr/bin/chromedriver, with a profile of its own (removed at
    the end), and, with ``logs``, its console and network logs kept for :func:`severe` and :func:`requested_urls`."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    if not CHROMEDRIVER.exists():
        raise FileNotFoundError(f"{CHROMEDRIVER} is missing: apt-get install -y chromium-driver")
    profile = tempfile.mkdtemp(prefix="allegiance-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (*FLAGS, *flags, f"--user-data-dir={profile}", f"--window-size={SIZE[0]},{SIZE[1]}"):
        options.add_argument(flag)
    if logs:
        options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    try:
        driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
        try:
            driver.set_page_load_timeout(60)
            driver.set_window_size(*SIZE)
            yield driver
        finally:
            driver.quit()
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def wait(driver, condition: Callable[[Any], Any], seconds: float = 30) -> Any:
    """What ``condition(driver)`` gives once it is true, waiting at most ``seconds``."""
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, seconds).until(condition)


def requested_urls(driver) -> list[str]:
    """The URLs the browser asked for since the last call (its performance log: each call empties it)."""
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def severe(driver) -> list[dict]:
    """The SEVERE entries of the browser's console since the last call (each call empties the log)."""
    return [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
