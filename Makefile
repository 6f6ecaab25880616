# The two set-up commands of the README:
#   make serve   install, then serve the built-in knowledge graph at http://127.0.0.1:8000/
#   make test    install what the tests need, then run them
# Python packages are installed with the versions of requirements/ci.lock (constraints; pyproject.toml has the
# ranges). `make lock` rewrites it; `make smoke-wheel` builds the wheel and tries it from outside the checkout.
PYTHON ?= python3
HOST ?= 127.0.0.1
PORT ?= 8000
LOCK := requirements/ci.lock
PIP := $(PYTHON) -m pip install --quiet --disable-pip-version-check -c $(LOCK)

.PHONY: serve test install install-test check lint test-fast smoke-wheel lock

# Python packages from PyPI (with the [check] and [plots] extras), the SPARQL editor (YASGUI) from npm into
# node_modules/.
install:
	$(PIP) -e '.[check,plots]'
	npm ci --no-audit --no-fund --loglevel=error

# The tests also drive Debian's Chromium headless through Selenium and its chromedriver, and run the peer SPARQL
# stores (.ci/install-stores.sh, when present).
install-test: install
	$(PIP) -e '.[check,plots,test,bench]'
	@if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ] || [ ! -x /usr/bin/wrk ]; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver wrk; \
	fi
	@if [ -f .ci/install-stores.sh ]; then bash .ci/install-stores.sh; fi

serve: install
	$(PYTHON) -m allegiance serve --host $(HOST) --port $(PORT)

check: install
	$(PYTHON) -m allegiance check

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

# The wheel, installed in a fresh virtualenv and used from outside the checkout: query --list, a canned query,
# and a served COUNT(*) above 1000 (CI runs it after `make test`).
smoke-wheel:
	PYTHON=$(PYTHON) LOCK=$(LOCK) bash .ci/smoke-wheel.sh

# Rewrite the lock: the newest versions inside pyproject.toml's ranges, resolved in a fresh virtualenv.
lock:
	@set -e; tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	$(PYTHON) -m venv "$$tmp/venv"; \
	"$$tmp/venv/bin/python" -m pip install --quiet --disable-pip-version-check '.[check,plots,test,bench]'; \
	{ sed -n '/^#/p' $(LOCK); "$$tmp/venv/bin/python" -m pip freeze --disable-pip-version-check \
	  | grep -v -i '^allegiance'; } > "$$tmp/lock"; \
	mv "$$tmp/lock" $(LOCK); echo "$(LOCK): $$(grep -c '==' $(LOCK)) pins"
