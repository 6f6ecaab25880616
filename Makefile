# The two set-up commands of the README:
#   make serve   install, then serve the built-in knowledge graph at http://127.0.0.1:8000/
#   make test    install what the tests need, then run them
PYTHON ?= python3
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: serve test install install-test check lint test-fast

# Python packages from PyPI, the SPARQL editor (YASGUI) from npm into node_modules/.
install:
	$(PYTHON) -m pip install --quiet --disable-pip-version-check -e .
	npm ci --no-audit --no-fund --loglevel=error

# The tests also drive Debian's Chromium headless through Selenium and its chromedriver.
install-test: install
	$(PYTHON) -m pip install --quiet --disable-pip-version-check -e '.[test]'
	@if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ] || [ ! -x /usr/bin/wrk ]; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver wrk; \
	fi

serve: install
	allegiance serve --host $(HOST) --port $(PORT)

check: install
	allegiance check

# The linter and the type checker on the package, as CI runs them.
lint:
	$(PYTHON) -m ruff check src
	$(PYTHON) -m mypy

# pytest exits 5 when it collects no test: that is a broken suite, and it fails with a plain message.
test: install-test lint
	@$(PYTHON) -m pytest; rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest collected no tests: failing"; exit 1; fi; exit $$rc

# The fast tests only (no reasoner, server, browser or data checks): seconds, for the edit loop.
test-fast:
	$(PYTHON) -m pytest -m "not slow and not data and not browser" -q
